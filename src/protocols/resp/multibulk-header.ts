/**
 * `*<count>\r\n` and `$<length>\r\n` headers written straight into a Buffer,
 * for the places padda builds RESP itself (inline commands re-encoded as
 * multibulk, split multi-key commands, replies it answers locally).
 */

const STAR = 0x2a;
const DOLLAR = 0x24;

function decimalLength(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Bytes of `$<n>\r\n` (and of `*<n>\r\n`) for a non-negative n. */
export function bulkHeaderLength(n: number): number {
  return decimalLength(n) + 3;
}

function writeHeader(target: Uint8Array, pos: number, type: number, n: number): number {
  target[pos] = type;
  const digits = decimalLength(n);
  for (let i = pos + digits; i > pos; i--) {
    target[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  pos += digits + 1;
  target[pos++] = 0x0d;
  target[pos++] = 0x0a;
  return pos;
}

/** Writes `*<n>\r\n` at pos; returns the position after it. */
export function writeCountHeader(target: Uint8Array, pos: number, n: number): number {
  return writeHeader(target, pos, STAR, n);
}

/** Writes `$<n>\r\n` at pos; returns the position after it. */
export function writeBulkHeader(target: Uint8Array, pos: number, n: number): number {
  return writeHeader(target, pos, DOLLAR, n);
}
