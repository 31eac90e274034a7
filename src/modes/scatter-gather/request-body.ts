import type { HttpRequest } from '../../http/message.ts';

/**
 * Reads a request body whole — it is sent to every leaf, so it cannot be
 * streamed to one — up to `limit` bytes. `done(null)` when it is larger;
 * the rest is left unread (the connection closes after the answer).
 */
export function readBody(request: HttpRequest, limit: number, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let over = false;
  request.source.consume({
    bodyData(chunk: Buffer): boolean {
      if (over) return false;
      bytes += chunk.length;
      if (bytes <= limit) {
        chunks.push(chunk);
        return true;
      }
      over = true;
      done(null);
      return false;
    },
    bodyEnd(): void {
      if (!over) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes));
    },
    // The client left or broke off: its answer does not matter any more, and the connection says so.
    bodyAborted(): void {},
  });
}
