import { fmix32 } from '../../hash/distribution/rendezvous.ts';
import { hashFunction } from '../../hash/index.ts';

/** Users are hashed into this many buckets: weights resolve to 0.01 %. */
export const BUCKETS = 10_000;

const murmur2 = hashFunction('murmur2_nginx');
const encoder = new TextEncoder();

/** A bucket for a key hash (murmur2_nginx, as nginx's split_clients uses). */
export function bucketOf(hash: number): number {
  return hash % BUCKETS;
}

/**
 * Which variant serves each of the 10 000 buckets, by weighted rendezvous
 * hashing: bucket b goes to the variant with the least -ln(u(b, name)) /
 * weight, u a uniform hash of the bucket and the variant's *name*. Each
 * variant then gets buckets in proportion to its weight, and the table is a
 * function of the config alone, so every padda replica agrees with no
 * shared state. It is also monotone: when a reload changes weights, a
 * bucket moves only to a variant whose weight rose or away from one whose
 * weight fell (going 90/10 → 80/20 moves just the 10 % that must go from
 * web to experiment, and nobody the other way); adding or removing a
 * variant moves only users to or from it; reordering moves nobody.
 */
export class BucketTable {
  /** Variant index per bucket. */
  readonly variants: Uint8Array;

  constructor(variants: ReadonlyArray<{ name: string; weight: number }>) {
    const seeds = variants.map((v) => {
      const bytes = encoder.encode(v.name);
      return murmur2(bytes, 0, bytes.length);
    });
    this.variants = new Uint8Array(BUCKETS);
    for (let b = 0; b < BUCKETS; b++) {
      let best = -1;
      let bestScore = Infinity;
      for (let i = 0; i < variants.length; i++) {
        const weight = variants[i]!.weight;
        if (weight <= 0) continue;
        const u = (fmix32((seeds[i]! ^ Math.imul(b + 1, 0x9e3779b9)) >>> 0) + 0.5) / 2 ** 32;
        const score = -Math.log(u) / weight;
        if (score < bestScore) {
          bestScore = score;
          best = i;
        }
      }
      this.variants[b] = best;
    }
  }

  /** Share of buckets per variant, in percent (what the weights came to). */
  shares(count: number): number[] {
    const shares = new Array<number>(count).fill(0);
    for (const v of this.variants) shares[v]! += 100 / BUCKETS;
    return shares.map((s) => Math.round(s * 100) / 100);
  }
}
