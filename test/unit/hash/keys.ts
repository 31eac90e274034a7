/** Deterministic random keys for differential tests: binary, empty, 1 byte … 4 KiB. */
import { seededRandom } from '../../support/seeded-random.ts';

/** The suite's seeded PRNG (mulberry32), under the name these tests and test/support/uris.ts use. */
export const rng = seededRandom;

/**
 * `count` keys packed in one buffer, with spans[2i], spans[2i+1] = key i's
 * range. Lengths: mostly 0..64 (real keys), some up to 512, a few up to
 * 4096; every length 0..16 appears, and bytes cover 0x00..0xff.
 */
export function randomKeys(count: number, seed = 1): { buf: Uint8Array; spans: Uint32Array } {
  const next = rng(seed);
  const lengths = Array.from({ length: count }, (_, i) => {
    if (i < 17) return i;
    const r = next();
    if (r < 0.7) return Math.floor(next() * 65);
    if (r < 0.95) return 65 + Math.floor(next() * 448);
    return 513 + Math.floor(next() * 3584);
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  const buf = new Uint8Array(total);
  for (let i = 0; i < total; i++) buf[i] = Math.floor(next() * 256);
  const spans = new Uint32Array(2 * count);
  let at = 0;
  lengths.forEach((len, i) => {
    spans[2 * i] = at;
    spans[2 * i + 1] = at += len;
  });
  return { buf, spans };
}
