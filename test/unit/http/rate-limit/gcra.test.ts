/**
 * The rate limiter's arithmetic and memory: GCRA decisions to the
 * millisecond, the verdict numbers the answer fields carry, and a key table
 * that a million distinct keys cannot grow past its bound.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { decide, type Verdict } from '../../../../src/http/rate-limit/gcra.ts';
import { KeyTable } from '../../../../src/http/rate-limit/key-table.ts';
import { LocalStore } from '../../../../src/http/rate-limit/local-store.ts';
import type { Bucket } from '../../../../src/http/rate-limit/rules.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const verdict = (): Verdict => ({ admitted: false, remaining: 0, reset: 0, retryAfter: 0 });
const limit = { interval: 100, burst: 5 }; // 10/s, 5 at once

describe('GCRA', () => {
  test('a fresh key takes `burst` requests at once, then one per interval', () => {
    const out = verdict();
    let tat = 0;
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      tat = decide(limit, tat, 1000, 1, out);
      assert.equal(out.admitted, true);
      remaining.push(out.remaining);
    }
    assert.deepEqual(remaining, [4, 3, 2, 1, 0]);
    assert.equal(out.reset, 500, 'full again after 5 intervals');
    const before = tat;
    tat = decide(limit, tat, 1000, 1, out);
    assert.equal(out.admitted, false);
    assert.equal(tat, before, 'a refusal charges nothing');
    assert.equal(out.retryAfter, 100);
    tat = decide(limit, tat, 1099, 1, out);
    assert.equal(out.admitted, false);
    tat = decide(limit, tat, 1100, 1, out);
    assert.equal(out.admitted, true);
    assert.equal(out.remaining, 0);
  });

  test('over any time W at most rate × W + burst are admitted, sending at 3× the rate', () => {
    const out = verdict();
    let tat = 0;
    let admitted = 0;
    for (let now = 0; now < 10_000; now += 33.3) {
      tat = decide(limit, tat, now, 1, out);
      if (out.admitted) admitted++;
    }
    assert.ok(admitted <= 100 + 5 && admitted >= 100 + 5 - 1, `admitted ${admitted}`);
  });
});

describe('memory', () => {
  test('1M distinct keys: the table never holds more than max_keys, and idle keys are swept once their bucket is full', () => {
    const store = new LocalStore(100_000);
    const bucket: Bucket = { rule: 'r', prefix: 'r:0:', key: () => '', rate: { count: 10, window: 1000, interval: 100 }, interval: 100, burst: 5 };
    const verdicts = [verdict()];
    const heapBefore = heapUsed();
    let peak = 0;
    for (let i = 0; i < 1_000_000; i++) {
      // 1 µs apart: every key is still within its first 500 ms when the table fills.
      store.decide([bucket], [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/${i}`], 1, i / 1000, verdicts);
      peak = Math.max(peak, store.table.size);
    }
    assert.equal(peak, 100_000);
    assert.ok(store.table.evictions > 0);
    const grown = (heapUsed() - heapBefore) / 2 ** 20;
    assert.ok(grown < 24, `heap grew ${grown.toFixed(1)} MiB for 100k keys held`);
    // 10 s later every bucket is full: the sweep, run as requests come, forgets them all.
    for (let t = 0; store.table.size > 1 && t < 1000; t++) store.decide([bucket], ['late'], 1, 10_000 + t * 60, verdicts);
    assert.ok(store.table.size <= 1, `${store.table.size} keys left`);
  });

  test('a key whose bucket is full again is not kept at all', () => {
    const table = new KeyTable(1000);
    table.set('a', 50, 100);
    assert.equal(table.size, 0);
    table.set('a', 150, 100);
    assert.equal(table.get('a'), 150);
    table.set('a', 90, 100);
    assert.equal(table.size, 0);
  });
});
