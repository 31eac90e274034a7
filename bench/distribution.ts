/**
 * How evenly each distribution spreads keys, and how many keys move when a
 * server joins — for 10 servers and 1M keys — then bounded loads (factor
 * 1.25) under a skewed key stream (Zipf, s = 1.1).
 *
 *   node bench/distribution.ts
 */
import {
  BoundedLoads, buildDistribution, DISTRIBUTION_KINDS, hashFunction, ServerLoads, type DistributionKind, type HashName,
} from '../src/hash/index.ts';
import { zipf } from './support/zipf.ts';

const KEYS = Number(process.env.KEYS ?? 1_000_000);
const SERVERS = 10;

/** The key hash each kind is normally paired with. */
const HASH_OF: Record<DistributionKind, HashName> = {
  ketama: 'fnv1a_64', modula: 'fnv1a_64', random: 'fnv1a_64', ketama_nginx: 'crc32a',
  maglev: 'xxh32', jump: 'xxh32', rendezvous: 'xxh32',
};

const servers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `10.0.0.${i + 1}:6379`, weight: 1 }));

const keyBytes = Array.from({ length: KEYS }, (_, i) => Buffer.from(`user:${i}:profile`));
const hashCache = new Map<HashName, Uint32Array>();
function hashesOf(name: HashName): Uint32Array {
  let hs = hashCache.get(name);
  if (!hs) {
    const f = hashFunction(name);
    hs = Uint32Array.from(keyBytes, (k) => f(k, 0, k.length));
    hashCache.set(name, hs);
  }
  return hs;
}

function maxOverMean(counts: ArrayLike<number>): number {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    max = Math.max(max, counts[i]);
    sum += counts[i];
  }
  return max / (sum / counts.length);
}

const spread = DISTRIBUTION_KINDS.map((kind) => {
  const hs = hashesOf(HASH_OF[kind]);
  const ten = buildDistribution(kind, servers(SERVERS));
  const eleven = buildDistribution(kind, servers(SERVERS + 1));
  const counts = new Float64Array(SERVERS);
  let moved = 0;
  for (let i = 0; i < hs.length; i++) {
    const a = ten.pick(hs[i]);
    counts[a]++;
    if (eleven.pick(hs[i]) !== a) moved++;
  }
  return {
    distribution: kind, hash: HASH_OF[kind], 'max/mean': maxOverMean(counts).toFixed(3),
    'moved 10→11': `${((100 * moved) / hs.length).toFixed(2)} %`, ideal: `${(100 / 11).toFixed(2)} %`,
  };
});
console.log(`\n${KEYS} keys over ${SERVERS} servers of equal weight; keys moved when an 11th joins`);
console.table(spread);

// A Zipf(1.1) stream over 100k distinct keys: a few hot keys carry much of the traffic.
const DISTINCT = 100_000;
const rank = zipf(DISTINCT, 1.1, 12345);
const stream = Uint32Array.from({ length: KEYS }, rank);

const bounded = (['ketama', 'ketama_nginx', 'maglev', 'jump', 'rendezvous'] as const).map((kind) => {
  const hs = hashesOf(HASH_OF[kind]);
  const d = buildDistribution(kind, servers(SERVERS));
  const plain = new Float64Array(SERVERS);
  const bl = new BoundedLoads(d, 1.25);
  const loads = new ServerLoads(SERVERS);
  let diverted = 0;
  for (let i = 0; i < stream.length; i++) {
    const h = hs[stream[i]];
    const home = d.pick(h);
    plain[home]++;
    const s = bl.pick(h, loads);
    if (s !== home) diverted++;
    loads.acquire(s); // load = requests served so far (no completions): the bound's worst case
  }
  return {
    distribution: kind, 'max/mean plain': maxOverMean(plain).toFixed(3),
    'max/mean bounded 1.25': maxOverMean(loads.loads).toFixed(3),
    'requests diverted': `${((100 * diverted) / stream.length).toFixed(2)} %`,
  };
});
console.log(`\n${KEYS} requests, Zipf(1.1) over ${DISTINCT} keys, ${SERVERS} servers; bounded loads at factor 1.25`);
console.table(bounded);
