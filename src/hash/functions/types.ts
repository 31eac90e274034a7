/**
 * A key hash as the hot path calls it: the key is `buf[start..end)`, so a
 * scanner can hash a key in place inside the bytes it received, without
 * slicing. Returns an unsigned 32-bit integer.
 */
export type KeyHash = (buf: Uint8Array, start: number, end: number) => number;

/**
 * C's `char` is signed on x86-64, and twemproxy widens `key[i]` from a
 * `const char *` in most of its hashes: bytes >= 0x80 enter the arithmetic
 * as 0xFFFFFFxx. This is that widening, so keys with such bytes land where
 * twemproxy puts them.
 */
export function signedByte(b: number): number {
  return (b << 24) >> 24;
}
