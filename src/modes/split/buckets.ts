import { rendezvousPick, rendezvousTable } from '../../hash/distribution/rendezvous.ts';
import { hashFunction, Latin1Hasher } from '../../hash/index.ts';

/** Users are hashed into this many buckets: weights resolve to 0.01 %. */
export const BUCKETS = 10_000;

const murmur2 = new Latin1Hasher(hashFunction('murmur2_nginx'));

/** The bucket of a key (a user id, a client IP, a URI): murmur2_nginx, as nginx's split_clients hashes, mod BUCKETS. */
export function keyBucket(key: string): number {
  return murmur2.hash(key) % BUCKETS;
}

/**
 * Which variant serves each of the 10 000 buckets: the weighted rendezvous
 * distribution over the variants' *names* (weight 0: not in it), asked for
 * one hash per bucket. Each variant then gets buckets in proportion to its
 * weight, and the table is a function of the config alone — computed with
 * the same engine-independent arithmetic as the hash core's rendezvous — so
 * every padda replica agrees with no shared state. It is also monotone:
 * when a reload changes weights, a bucket moves only to a variant whose
 * weight rose or away from one whose weight fell (going 90/10 → 80/20 moves
 * just the 10 % that must go from web to experiment, and nobody the other
 * way); adding or removing a variant moves only users to or from it;
 * reordering moves nobody.
 */
export class BucketTable {
  /** Variant index per bucket. */
  readonly variants: Uint8Array;

  constructor(variants: ReadonlyArray<{ name: string; weight: number }>) {
    const table = rendezvousTable(variants, variants.map((v) => v.weight > 0));
    this.variants = new Uint8Array(BUCKETS);
    for (let b = 0; b < BUCKETS; b++) this.variants[b] = rendezvousPick(table, Math.imul(b + 1, 0x9e3779b9) >>> 0);
  }

  /** Share of buckets per variant, in percent (what the weights came to). */
  shares(count: number): number[] {
    const shares = new Array<number>(count).fill(0);
    for (const v of this.variants) shares[v]! += 100 / BUCKETS;
    return shares.map((s) => Math.round(s * 100) / 100);
  }
}
