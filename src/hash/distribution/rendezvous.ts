import { md5 } from '../functions/md5.ts';
import type { ServerSpec } from './types.ts';

const encoder = new TextEncoder();

/** murmur3's fmix32: spreads (key hash ^ server seed) over all 32 bits. */
export function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/**
 * ln((2m + 1) / 2^33): the log of a uniform draw in (0, 1) made from the
 * uint32 m, computed from + − × ÷ only — the same operations in the same
 * order as lnUnit in wasm/assembly/route.ts. Math.log's last bit may differ
 * between engines and versions; replicas of padda must rank servers alike.
 */
export function lnUnit(m: number): number {
  const bits = 33 - Math.clz32(m); // bit length of 2m + 1
  let e = bits - 1 - 33;
  let f = (m * 2 + 1) * 2 ** -(bits - 1); // in [1, 2)
  if (f > SQRT2) {
    f = f * 0.5;
    e += 1;
  }
  const s = (f - 1.0) / (f + 1.0);
  const s2 = s * s;
  let poly = 1.0 / 19.0;
  for (let k = 17; k >= 1; k -= 2) poly = poly * s2 + 1.0 / k;
  return 2.0 * s * poly + e * LN2;
}

/** The live servers' seeds (md5 of the name), weights and indexes, for pick and for the WASM table. */
export interface RendezvousTable {
  seeds: Uint32Array;
  weights: Float64Array;
  owners: Int32Array;
}

export function rendezvousTable(servers: readonly ServerSpec[], live: readonly boolean[]): RendezvousTable {
  const owners = servers.map((_, i) => i).filter((i) => live[i]);
  return {
    seeds: Uint32Array.from(owners, (i) => {
      const name = encoder.encode(servers[i].name);
      return md5(name, 0, name.length);
    }),
    weights: Float64Array.from(owners, (i) => servers[i].weight),
    owners: Int32Array.from(owners),
  };
}

/**
 * Weighted rendezvous (highest random weight): every server scores the key
 * weight / −ln(u) with u uniform from (hash, seed), the highest score wins.
 * A server leaving moves only its own keys; its share is weight / total.
 */
export function rendezvousPick(t: RendezvousTable, hash: number): number {
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < t.seeds.length; i++) {
    const score = t.weights[i] / -lnUnit(fmix32((hash ^ t.seeds[i]) >>> 0));
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return t.owners[best];
}
