import type { ProxiedRequest } from '../../http/request-head.ts';

/**
 * Reads a request body whole — it is sent to every leaf, so it cannot be
 * streamed to one — up to `limit` bytes. `done(null)` when it is larger;
 * the rest is left unread (the connection is closed after the answer).
 */
export function readBody(request: ProxiedRequest, limit: number, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const onData = (chunk: Buffer): void => {
    bytes += chunk.length;
    if (bytes <= limit) {
      chunks.push(chunk);
      return;
    }
    request.off('data', onData);
    request.off('end', onEnd);
    request.pause();
    done(null);
  };
  const onEnd = (): void => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes));
  request.on('data', onData);
  request.on('end', onEnd);
}
