import { signedByte } from './types.ts';

/** Bob Jenkins' one-at-a-time hash as twemproxy has it: bytes widened as signed chars. */
export function one_at_a_time(buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) {
    h = (h + signedByte(buf[i])) | 0;
    h = (h + (h << 10)) | 0;
    h ^= h >>> 6;
  }
  h = (h + (h << 3)) | 0;
  h ^= h >>> 11;
  h = (h + (h << 15)) | 0;
  return h >>> 0;
}
