import { add, H, L, mul } from '../functions/u64.ts';
import type { ServerSpec } from './types.ts';

// The LCG multiplier 2862933555777941757 as [high, low] halves.
const MUL_H = 0x27bb2ee6;
const MUL_L = 0x87b0b0fd;

/**
 * Jump consistent hash (Lamping & Veach, 2014) of a 32-bit key hash over
 * `buckets` buckets. Growing n → n+1 moves 1/(n+1) of the keys, all to the
 * new bucket; but only the last bucket can leave without reshuffling.
 */
export function jumpBucket(hash: number, buckets: number): number {
  let kh = 0;
  let kl = hash >>> 0;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    mul(kh, kl, MUL_H, MUL_L);
    add(H, L, 0, 1);
    kh = H;
    kl = L;
    j = Math.floor((b + 1) * (2147483648 / ((kh >>> 1) + 1)));
  }
  return b;
}

/**
 * Buckets for jump: each live server gets `weight` consecutive buckets, in
 * config order. Weights are honoured at the cost of moving more keys when a
 * server in the middle is ejected (jump can only shrink from the end).
 */
export function jumpBuckets(servers: readonly ServerSpec[], live: readonly boolean[]): Int32Array {
  const buckets: number[] = [];
  servers.forEach((s, i) => {
    if (live[i]) for (let w = 0; w < s.weight; w++) buckets.push(i);
  });
  return Int32Array.from(buckets);
}
