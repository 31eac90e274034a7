import type { ScannedRequest } from './scanned-request.ts';

/**
 * Splits a command line the way memcached's tokenize_command does: on
 * spaces only (a tab or other control byte is part of a key), and only up
 * to the first NUL byte, since memcached treats the line as a C string
 * (`get a\0b` asks for `a`). Unlike memcached it does not stop at 23
 * tokens: a multi-get's keys all land here, and callers apply the cap.
 */
export function tokenize(request: ScannedRequest, buf: Buffer, start: number, end: number): void {
  let tokens = request.tokens;
  let count = 0;
  let tokenStart = -1;
  let i = start;
  for (; i < end; i++) {
    const byte = buf[i];
    if (byte === 32 || byte === 0) {
      if (tokenStart >= 0) {
        if (count * 2 + 2 > tokens.length) tokens = grow(request);
        tokens[count * 2] = tokenStart;
        tokens[count * 2 + 1] = i;
        count++;
        tokenStart = -1;
      }
      if (byte === 0) break;
    } else if (tokenStart < 0) {
      tokenStart = i;
    }
  }
  if (tokenStart >= 0) {
    if (count * 2 + 2 > tokens.length) tokens = grow(request);
    tokens[count * 2] = tokenStart;
    tokens[count * 2 + 1] = i;
    count++;
  }
  request.tokenCount = count;
}

/** Multi-gets may hold thousands of keys; the array grows once and is kept. */
function grow(request: ScannedRequest): Int32Array {
  const bigger = new Int32Array(request.tokens.length * 2);
  bigger.set(request.tokens);
  request.tokens = bigger;
  return bigger;
}

/** Whether buf[start, end) is exactly the ASCII text. */
export function tokenIs(buf: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
  return true;
}
