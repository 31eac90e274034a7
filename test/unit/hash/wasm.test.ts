import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xxhash from 'xxhash-wasm';
import { HASH_NAMES, hashFunction, wasmHashFunction } from '../../../src/hash/index.ts';
import { jumpBucket } from '../../../src/hash/distribution/jump.ts';
import { lnUnit } from '../../../src/hash/distribution/rendezvous.ts';
import { WasmCore, wasmHashBatch } from '../../../src/hash/wasm.ts';
import { randomKeys, rng } from './keys.ts';
import { bytes, VECTORS } from './vectors.ts';

describe('WASM hash core', () => {
  it('matches published test vectors', () => {
    for (const { hash, key, value } of VECTORS) {
      const b = bytes(key);
      assert.equal(wasmHashFunction(hash)(b, 0, b.length), value, `${hash}(${JSON.stringify(key)})`);
    }
  });

  it('agrees with the JS hashes on 100k random keys (binary, empty, 1 byte … 4 KiB) for every hash', () => {
    const count = 100_000;
    const { buf, spans } = randomKeys(count, 7);
    const out = new Uint32Array(count);
    for (const name of HASH_NAMES) {
      const js = hashFunction(name);
      const wasm = wasmHashBatch(name)(buf, spans, count, out);
      for (let i = 0; i < count; i++) {
        const want = js(buf, spans[2 * i], spans[2 * i + 1]);
        if (wasm[i] !== want) {
          assert.fail(`${name}: key ${i} (${spans[2 * i + 1] - spans[2 * i]} bytes): wasm ${wasm[i]} js ${want}`);
        }
      }
    }
  });

  it('hashes batches of keys anywhere in a buffer, and rejects spans outside it', () => {
    const batch = wasmHashBatch('md5');
    const buf = new Uint8Array(1 << 20).map((_, i) => i * 31);
    const spans = Uint32Array.of(900_000, 900_040, 10, 10, 5, 1000, 1 << 19, (1 << 20));
    const out = batch(buf, spans, 4, new Uint32Array(4));
    const md5 = hashFunction('md5');
    assert.deepEqual([...out], [0, 1, 2, 3].map((i) => md5(buf, spans[2 * i], spans[2 * i + 1])));
    assert.throws(() => batch(buf, Uint32Array.of(0, (1 << 20) + 1), 1, new Uint32Array(1)), /outside a 1048576-byte buffer/);
    assert.throws(() => batch(buf, Uint32Array.of(9, 8), 1, new Uint32Array(1)), /outside/);
    assert.throws(() => batch(buf, Uint32Array.of(0, 1), 2, new Uint32Array(2)), /does not fit/);
  });

  it('computes full XXH64 like xxhash-wasm', async () => {
    const oracle = await xxhash();
    const core = new WasmCore();
    const { buf, spans } = randomKeys(2000, 3);
    core.ensure(core.heapBase + buf.length);
    core.u8.set(buf, core.heapBase);
    for (let i = 0; i < 2000; i++) {
      const [s, e] = [spans[2 * i], spans[2 * i + 1]];
      assert.equal(BigInt.asUintN(64, core.exports.xxh64Full(core.heapBase + s, e - s)), oracle.h64Raw(buf.subarray(s, e), 0n));
    }
  });

  it('jump and lnUnit give the same bits in WASM and JS', () => {
    const { jump, lnUnit: wasmLn } = new WasmCore().exports;
    const next = rng(11);
    for (const m of [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) {
      assert.equal(Object.is(wasmLn(m), lnUnit(m)), true, `lnUnit(${m})`);
    }
    for (let i = 0; i < 100_000; i++) {
      const m = Math.floor(next() * 2 ** 32);
      const got = wasmLn(m);
      if (!Object.is(got, lnUnit(m))) assert.fail(`lnUnit(${m}): wasm ${got} js ${lnUnit(m)}`);
      const n = 1 + Math.floor(next() * 1000);
      if (jump(m, n) !== jumpBucket(m, n)) assert.fail(`jump(${m}, ${n}): wasm ${jump(m, n)} js ${jumpBucket(m, n)}`);
    }
  });

  it('lnUnit is within 1e-12 of Math.log', () => {
    const next = rng(5);
    for (let i = 0; i < 10_000; i++) {
      const m = Math.floor(next() * 2 ** 32);
      const exact = Math.log((2 * m + 1) / 2 ** 33);
      assert.ok(Math.abs(lnUnit(m) - exact) <= 1e-12 * Math.abs(exact), `m=${m}`);
    }
  });
});
