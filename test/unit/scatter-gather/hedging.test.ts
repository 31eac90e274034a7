import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HedgePolicy } from '../../../src/modes/scatter-gather/hedging.ts';
import { LatencyWindow } from '../../../src/modes/scatter-gather/latency-window.ts';
import { noQuorum, requiredLeaves } from '../../../src/modes/scatter-gather/quorum.ts';

test('LatencyWindow: Infinity until ten answers lie above the percentile, then the percentile of the recent ones', () => {
  const window = new LatencyWindow(0.95);
  for (let i = 0; i < 199; i++) window.record(i % 100);
  assert.equal(window.value, Infinity);
  for (let i = 0; i < 200; i++) window.record(i % 100);
  assert.ok(window.value >= 93 && window.value <= 96, String(window.value));
  // The ring forgets: after a full ring of slower answers, only they count.
  for (let i = 0; i < 1024; i++) window.record(1000 + (i % 100));
  assert.ok(window.value >= 1093 && window.value <= 1096, String(window.value));
});

test('HedgePolicy: hedges never exceed max_extra of first requests, and a quiet spell saves those of 1000 requests', () => {
  const policy = new HedgePolicy({ after: { ms: 5 }, max_extra: 0.05, max_per_leaf: 1 });
  let hedges = 0;
  for (let i = 1; i <= 1000; i++) {
    policy.sent();
    while (policy.afford()) hedges++;
    assert.ok(hedges <= i * 0.05 + 1e-9, `${hedges} hedges after ${i} requests`);
  }
  assert.equal(hedges, 50, 'twenty 5 % shares make exactly one hedge');
  for (let i = 0; i < 5000; i++) policy.sent();
  let burst = 0;
  while (policy.afford()) burst++;
  assert.equal(burst, 50);
  assert.equal(policy.delay(null), 5);
});

test('HedgePolicy: a percentile `after` gives each leaf its own window', () => {
  const policy = new HedgePolicy({ after: { percentile: 0.5 }, max_extra: 1, max_per_leaf: 2 });
  const [a, b] = [policy.window()!, policy.window()!];
  for (let i = 0; i < 64; i++) {
    a.record(10);
    b.record(30);
  }
  assert.equal(policy.delay(a), 10);
  assert.equal(policy.delay(b), 30);
  assert.equal(new HedgePolicy({ after: { ms: 1 }, max_extra: 1, max_per_leaf: 1 }).window(), null);
});

test('quorum: all asked, min_leaves of them (at most those asked), one for first', () => {
  assert.equal(requiredLeaves(null, false, 5), 5);
  assert.equal(requiredLeaves(3, false, 5), 3);
  assert.equal(requiredLeaves(3, false, 2), 2);
  assert.equal(requiredLeaves(null, true, 5), 1);
  assert.deepEqual(noQuorum(1, 3, 2, [{ name: 'b', reason: 'invalid_json' }, { name: 'c', reason: null }]),
    { status: 503, reason: 'no_quorum', message: '1 of 3 leaves answered, 2 needed; missing: b invalid_json, c cancelled' });
  assert.equal(noQuorum(1, 3, 2, [{ name: 'b', reason: 'status_500' }, { name: 'c', reason: 'leaf_timeout' }]).status, 504);
});
