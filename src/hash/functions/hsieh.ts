import { signedByte } from './types.ts';

/**
 * Paul Hsieh's SuperFastHash as twemproxy has it. 16-bit reads are unsigned
 * little-endian; the one quirk is the 3-byte tail, whose third byte is read
 * through a signed char, so bytes >= 0x80 smear ones into bits 26..31.
 */
export function hsieh(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0) return 0;
  let h = 0;
  let p = start;
  for (let blocks = len >>> 2; blocks > 0; blocks--, p += 4) {
    h = (h + (buf[p] | (buf[p + 1] << 8))) | 0;
    const tmp = ((buf[p + 2] | (buf[p + 3] << 8)) << 11) ^ h;
    h = (h << 16) ^ tmp;
    h = (h + (h >>> 11)) | 0;
  }
  switch (len & 3) {
    case 3:
      h = (h + (buf[p] | (buf[p + 1] << 8))) | 0;
      h ^= h << 16;
      h ^= signedByte(buf[p + 2]) << 18;
      h = (h + (h >>> 11)) | 0;
      break;
    case 2:
      h = (h + (buf[p] | (buf[p + 1] << 8))) | 0;
      h ^= h << 11;
      h = (h + (h >>> 17)) | 0;
      break;
    case 1:
      h = (h + buf[p]) | 0;
      h ^= h << 10;
      h = (h + (h >>> 1)) | 0;
      break;
  }
  h ^= h << 3;
  h = (h + (h >>> 5)) | 0;
  h ^= h << 4;
  h = (h + (h >>> 17)) | 0;
  h ^= h << 25;
  h = (h + (h >>> 6)) | 0;
  return h >>> 0;
}
