import { md5Words } from '../functions/md5.ts';
import { Continuum } from './continuum.ts';
import { twemproxyOrder } from './twemproxy-names.ts';
import type { ServerSpec } from './types.ts';

const POINTS_PER_SERVER = 160;
const POINTS_PER_HASH = 4;
/** snprintf into a 273-byte buffer: longer "name-i" strings are cut to 272 bytes. */
const MAX_HOSTLEN = 273;

const encoder = new TextEncoder();

/**
 * Points for one server, as twemproxy's ketama_update computes them in
 * single-precision floats: floorf(share × 160/4 × live servers + 1e-10) × 4.
 * Equal weights give 160; unequal weights give each server its share of
 * 160 × live servers, rounded down to a multiple of 4.
 */
export function ketamaPointsPerServer(weight: number, totalWeight: number, liveServers: number): number {
  const f = Math.fround;
  const pct = f(f(weight) / f(totalWeight));
  const x = f(f(f(pct * POINTS_PER_SERVER) / 4) * f(liveServers));
  return Math.floor(f(x + 0.0000000001)) * POINTS_PER_HASH;
}

/**
 * twemproxy's ketama continuum over the live servers: for each server,
 * md5("<name>-<i>") for i = 0, 1, … gives four points (the four
 * little-endian words of the digest).
 */
export function ketamaContinuum(servers: readonly ServerSpec[], live: readonly boolean[]): Continuum {
  const order = twemproxyOrder(servers).filter((i) => live[i]);
  const totalWeight = order.reduce((sum, i) => sum + servers[i].weight, 0);
  const points: number[] = [];
  const owners: number[] = [];
  const words = new Uint32Array(4);
  for (const i of order) {
    const count = ketamaPointsPerServer(servers[i].weight, totalWeight, order.length);
    for (let n = 0; n < count / POINTS_PER_HASH; n++) {
      let host = encoder.encode(`${servers[i].name}-${n}`);
      if (host.length >= MAX_HOSTLEN) host = host.subarray(0, MAX_HOSTLEN - 1);
      md5Words(host, 0, host.length, words);
      for (const w of words) {
        points.push(w);
        owners.push(i);
      }
    }
  }
  return new Continuum(points, owners);
}
