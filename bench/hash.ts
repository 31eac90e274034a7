/**
 * ns per key for 8/32/128-byte keys: WASM batch, WASM single call, pure JS,
 * and xxhash-wasm (a single call per key); then routing a batch (hash +
 * ketama lookup) in WASM vs JS, and lookups/s per distribution.
 *
 *   node bench/hash.ts            (the machine is shared: run it twice, read the steadier run)
 */
import { Bench } from 'tinybench';
import xxhash from 'xxhash-wasm';
import {
  buildDistribution, createRouter, DISTRIBUTION_KINDS, hashFunction, wasmHashBatch, wasmHashFunction,
} from '../src/hash/index.ts';
import { printPerItem } from './support/scan-bench.ts';

const BATCH = 256; // keys per event-loop turn, a busy pipelined connection
const TIME = Number(process.env.BENCH_MS ?? 400);
const oracle = await xxhash();

function keysOf(size: number): { buf: Uint8Array; spans: Uint32Array } {
  const buf = new Uint8Array(size * BATCH).map(() => 32 + Math.floor(Math.random() * 95));
  const spans = new Uint32Array(2 * BATCH);
  for (let i = 0; i < BATCH; i++) [spans[2 * i], spans[2 * i + 1]] = [i * size, (i + 1) * size];
  return { buf, spans };
}

let sink = 0;
const out = new Uint32Array(BATCH);
for (const size of [8, 32, 128]) {
  const { buf, spans } = keysOf(size);
  const bench = new Bench({ time: TIME });
  for (const name of ['fnv1a_64', 'md5', 'xxh32'] as const) {
    const js = hashFunction(name);
    const single = wasmHashFunction(name);
    const batch = wasmHashBatch(name);
    bench
      .add(`${name} WASM batch`, () => batch(buf, spans, BATCH, out))
      .add(`${name} WASM single`, () => {
        for (let i = 0; i < BATCH; i++) sink ^= single(buf, spans[2 * i], spans[2 * i + 1]);
      })
      .add(`${name} JS`, () => {
        for (let i = 0; i < BATCH; i++) sink ^= js(buf, spans[2 * i], spans[2 * i + 1]);
      });
  }
  bench.add('xxh32 xxhash-wasm h32Raw single', () => {
    for (let i = 0; i < BATCH; i++) sink ^= oracle.h32Raw(buf.subarray(spans[2 * i], spans[2 * i + 1]));
  });
  await bench.run();
  console.log(`\nhash, ${size}-byte keys (batches of ${BATCH})`);
  printPerItem(bench, BATCH, 'key');
}

// Routing a batch: hash + lookup, what the redis mode does per event-loop turn.
for (const size of [8, 32, 128]) {
  const { buf, spans } = keysOf(size);
  const servers = Array.from({ length: 10 }, (_, i) => ({ name: `10.0.0.${i}:6379`, weight: 1 }));
  const routed = new Int32Array(BATCH);
  const bench = new Bench({ time: TIME });
  for (const [hash, kind] of [['fnv1a_64', 'ketama'], ['crc32a', 'ketama_nginx'], ['xxh32', 'maglev']] as const) {
    const distribution = buildDistribution(kind, servers);
    const wasm = createRouter({ hash, distribution, engine: 'wasm' });
    const js = createRouter({ hash, distribution, engine: 'js' });
    bench
      .add(`${hash}/${kind} WASM routeBatch`, () => wasm.routeBatch(buf, spans, BATCH, routed))
      .add(`${hash}/${kind} JS routeBatch`, () => js.routeBatch(buf, spans, BATCH, routed));
  }
  await bench.run();
  console.log(`\nroute, ${size}-byte keys, 10 servers (batches of ${BATCH})`);
  printPerItem(bench, BATCH, 'key');
}

// Lookups per distribution: pick() on precomputed hashes.
{
  const hashes = Uint32Array.from({ length: 4096 }, () => Math.floor(Math.random() * 2 ** 32));
  const servers = Array.from({ length: 10 }, (_, i) => ({ name: `10.0.0.${i}:6379`, weight: 1 + (i % 3) }));
  const bench = new Bench({ time: TIME });
  for (const kind of DISTRIBUTION_KINDS) {
    const d = buildDistribution(kind, servers);
    bench.add(kind, () => {
      for (let i = 0; i < hashes.length; i++) sink ^= d.pick(hashes[i]);
    });
  }
  await bench.run();
  console.log('\nlookups (JS pick), 10 servers with weights 1..3');
  printPerItem(bench, hashes.length, 'lookup');
}
if (sink === 0.5) console.log(sink);
