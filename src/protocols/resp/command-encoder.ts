/**
 * Builds a multibulk command from arguments of a scanned one, for the rare
 * paths that cannot forward the client's bytes as they are: a multi-key
 * command split into one fragment per server (MGET a b c → MGET a c + MGET b),
 * or an inline command re-encoded as multibulk. One exact-size Buffer.
 */
import type { CommandArguments } from './command-arguments.ts';
import { bulkHeaderLength, writeBulkHeader, writeCountHeader } from './multibulk-header.ts';

/**
 * `*<count>` followed by the arguments `args[indexes[0]]`, `args[indexes[1]]`,
 * … `args[indexes[count - 1]]`; with `indexes` null, all arguments in order.
 * Fragments of MGET pass [0, key indexes...]; of MSET [0, k, k + 1, ...].
 */
export function encodeCommand(args: CommandArguments, indexes: ArrayLike<number> | null = null, count = indexes === null ? args.argc : indexes.length): Buffer {
  const { buffer, argStart, argEnd } = args;
  let size = bulkHeaderLength(count);
  for (let i = 0; i < count; i++) {
    const arg = indexes === null ? i : indexes[i];
    const length = argEnd[arg] - argStart[arg];
    size += bulkHeaderLength(length) + length + 2;
  }
  const command = Buffer.allocUnsafe(size);
  let pos = writeCountHeader(command, 0, count);
  for (let i = 0; i < count; i++) {
    const arg = indexes === null ? i : indexes[i];
    pos = writeBulkHeader(command, pos, argEnd[arg] - argStart[arg]);
    command.set(buffer.subarray(argStart[arg], argEnd[arg]), pos);
    pos += argEnd[arg] - argStart[arg];
    command[pos++] = 0x0d;
    command[pos++] = 0x0a;
  }
  return command;
}
