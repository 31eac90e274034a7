import type net from 'node:net';

/** Below this many bytes a batch is copied into one buffer; above, handed to writev as is. */
const CONCAT_LIMIT = 64 * 1024;

/**
 * Writes one event-loop turn's buffers as one socket write: a single buffer
 * as is, small batches joined (one syscall, no writev bookkeeping), large
 * ones corked so the kernel gets them in one writev without a copy.
 */
export function writeBatch(socket: net.Socket, parts: readonly Buffer[], bytes: number): void {
  if (parts.length === 1) socket.write(parts[0]!);
  else if (bytes <= CONCAT_LIMIT) socket.write(Buffer.concat(parts, bytes));
  else {
    socket.cork();
    for (const part of parts) socket.write(part);
    socket.uncork();
  }
}
