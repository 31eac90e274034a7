/** The bytes of a buffer that hold a batch's keys: [start, end). */
export interface KeyBytes {
  start: number;
  end: number;
}

/**
 * Checks a batch of `count` keys, key i being buf[spans[2i], spans[2i+1]),
 * whose answers go to an array of `outLength`, and throws a RangeError naming
 * the first thing wrong. When `keys` is given it receives, from the same pass,
 * the range of buf that holds every key: all a copy into WASM memory needs.
 */
export function checkBatch(buf: Uint8Array, spans: Uint32Array, count: number, outLength: number, keys?: KeyBytes): void {
  if (!(Number.isInteger(count) && count >= 0 && count <= spans.length >>> 1 && count <= outLength)) {
    throw new RangeError(`batch of ${count} keys does not fit spans (${spans.length >>> 1}) or out (${outLength})`);
  }
  let lo = count > 0 ? spans[0] : 0;
  let hi = lo;
  for (let i = 0; i < 2 * count; i += 2) {
    const start = spans[i];
    const end = spans[i + 1];
    if (start > end || end > buf.length) {
      throw new RangeError(`key ${i >>> 1} spans [${start}, ${end}) outside a ${buf.length}-byte buffer`);
    }
    if (start < lo) lo = start;
    if (end > hi) hi = end;
  }
  if (keys) {
    keys.start = lo;
    keys.end = hi;
  }
}
