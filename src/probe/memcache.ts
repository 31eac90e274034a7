/**
 * memcached text-protocol exchanges over a ProbeConnection: `version`,
 * `stats` and a set/get/delete round trip. Replies are framed by the rules of
 * memcached's protocol.txt: one line, or lines up to `END`, or a VALUE line
 * followed by its data block.
 */
import type { ProbeConnection } from './connection.ts';

const ERROR_LINE = /^(ERROR|CLIENT_ERROR|SERVER_ERROR)\b/;

/** Sends one command line and returns the one-line reply, without its CRLF. An error line rejects. */
export async function memcacheLine(connection: ProbeConnection, command: string): Promise<string> {
  connection.write(`${command}\r\n`);
  return checked(command, lineText(await connection.read(lineEnd)));
}

/** `stats [group]`: the STAT lines as a map. */
export async function memcacheStats(connection: ProbeConnection, group = ''): Promise<Map<string, string>> {
  const command = group === '' ? 'stats' : `stats ${group}`;
  connection.write(`${command}\r\n`);
  const lines = (await connection.read(statsEnd)).toString('utf8').split('\r\n');
  checked(command, lines[0]!);
  const stats = new Map<string, string>();
  for (const line of lines) {
    const match = /^STAT (\S+) (.*)$/.exec(line);
    if (match) stats.set(match[1]!, match[2]!);
  }
  return stats;
}

/** Stores `value` under `key` for `ttlSeconds`; rejects unless memcached answers STORED. */
export async function memcacheSet(connection: ProbeConnection, key: string, value: string, ttlSeconds: number): Promise<void> {
  connection.write(`set ${key} 0 ${ttlSeconds} ${Buffer.byteLength(value)}\r\n${value}\r\n`);
  const reply = checked('set', lineText(await connection.read(lineEnd)));
  if (reply !== 'STORED') throw new Error(`set: ${reply}`);
}

/** The value stored under `key`, or null on a miss. */
export async function memcacheGet(connection: ProbeConnection, key: string): Promise<string | null> {
  connection.write(`get ${key}\r\n`);
  const reply = await connection.read(getEnd);
  const head = reply.toString('utf8', 0, reply.indexOf('\r\n'));
  checked('get', head);
  if (head === 'END') return null;
  const bytes = Number(head.split(' ')[3]);
  const start = head.length + 2;
  return reply.toString('utf8', start, start + bytes);
}

/** A one-line reply without its CRLF. */
function lineText(reply: Buffer): string {
  return reply.toString('utf8', 0, reply.length - 2);
}

function checked(command: string, line: string): string {
  if (ERROR_LINE.test(line)) throw new Error(`${command.split(' ')[0]}: ${line}`);
  return line;
}

function lineEnd(buffer: Buffer): number {
  const at = buffer.indexOf('\r\n');
  return at < 0 ? -1 : at + 2;
}

/** Up to and including `END`, or a lone error line. */
function statsEnd(buffer: Buffer): number {
  let from = 0;
  for (;;) {
    const at = buffer.indexOf('\r\n', from);
    if (at < 0) return -1;
    const line = buffer.toString('latin1', from, at);
    if (line === 'END' || (from === 0 && ERROR_LINE.test(line))) return at + 2;
    from = at + 2;
  }
}

/** `VALUE <key> <flags> <bytes>` and its data block then `END`, or `END` alone, or an error line. */
function getEnd(buffer: Buffer): number {
  const first = buffer.indexOf('\r\n');
  if (first < 0) return -1;
  const head = buffer.toString('latin1', 0, first);
  if (!head.startsWith('VALUE ')) return first + 2;
  const bytes = Number(head.split(' ')[3]);
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`malformed reply line: ${head}`);
  const end = first + 2 + bytes + 2 + 'END\r\n'.length;
  return buffer.length >= end ? end : -1;
}
