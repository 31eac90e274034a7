import { md5Words } from '../functions/md5.ts';
import type { ServerSpec } from './types.ts';

/** Maglev's default lookup table size (a prime, as the paper requires). */
export const MAGLEV_DEFAULT_SIZE = 65537;

const encoder = new TextEncoder();

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/**
 * Maglev's lookup table (Eisenbud et al., NSDI 2016): each live server walks
 * its own permutation of the M slots (offset, skip from md5 of its name)
 * and, in turns, claims its next free slot. Weights: in round r a server
 * takes a turn while it has claimed fewer than r × weight / max weight
 * slots, so slot shares follow the weights. Ejection rebuilds the table;
 * the paper shows most slots keep their owner.
 */
export function maglevSlots(servers: readonly ServerSpec[], live: readonly boolean[], size = MAGLEV_DEFAULT_SIZE): Int32Array {
  if (!isPrime(size)) throw new RangeError(`maglev table size ${size} is not a prime`);
  const ids = servers.map((_, i) => i).filter((i) => live[i]);
  if (size < ids.length) throw new RangeError(`maglev table size ${size} is smaller than the ${ids.length} servers`);
  const table = new Int32Array(size).fill(-1);
  if (ids.length === 0) return new Int32Array(0);
  const words = new Uint32Array(4);
  const offset = new Float64Array(ids.length);
  const skip = new Float64Array(ids.length);
  const next = new Float64Array(ids.length);
  const claimed = new Float64Array(ids.length);
  const maxWeight = Math.max(...ids.map((i) => servers[i].weight));
  ids.forEach((id, k) => {
    const name = encoder.encode(servers[id].name);
    md5Words(name, 0, name.length, words);
    offset[k] = words[0] % size;
    skip[k] = (words[1] % (size - 1)) + 1;
  });
  let filled = 0;
  for (let round = 1; filled < size; round++) {
    for (let k = 0; k < ids.length && filled < size; k++) {
      if (claimed[k] * maxWeight >= round * servers[ids[k]].weight) continue;
      let slot = (offset[k] + next[k] * skip[k]) % size;
      while (table[slot] >= 0) {
        next[k]++;
        slot = (offset[k] + next[k] * skip[k]) % size;
      }
      table[slot] = ids[k];
      next[k]++;
      claimed[k]++;
      filled++;
    }
  }
  return table;
}
