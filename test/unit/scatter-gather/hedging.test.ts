import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOriginAddress, type OriginAddress } from '../../../src/http/upstream/origin-address.ts';
import { ReplicaSet } from '../../../src/http/upstream/replica-set.ts';
import { LeafOrigin } from '../../../src/modes/scatter-gather/leaf-origin.ts';
import { ConnectionResetError } from '../../../src/upstream/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { Registry } from '../../../src/metrics/registry.ts';
import type { Gather } from '../../../src/modes/scatter-gather/gather.ts';
import { HedgePolicy } from '../../../src/modes/scatter-gather/hedging.ts';
import { Leaf } from '../../../src/modes/scatter-gather/leaf.ts';
import { LeafCall } from '../../../src/modes/scatter-gather/leaf-call.ts';
import { ScatterMetrics } from '../../../src/modes/scatter-gather/metrics.ts';
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

test('a hedge goes to another replica: with one replica of two up, none is sent, counted or paid for', () => {
  const registry = new Registry();
  const metrics = new ScatterMetrics(registry, 'l');
  const hedging = new HedgePolicy({ after: { ms: 5 }, max_extra: 1, max_per_leaf: 2 });
  const gather = {
    root: { hedging, metrics, retries: 0, preserveHost: true, leafTimeout: 0 },
    headers: ['host', 'leaf'], leafMethod: 'GET', body: null, arm() {}, attemptStarted() {}, settled() {},
  } as unknown as Gather;
  // Two replicas on ports nothing listens on: the attempts fail later, after these synchronous checks.
  const sets: ReplicaSet<LeafOrigin>[] = [];
  const log = createLogger('silent');
  const pool = { connections: 1, queue: 16, queue_timeout: 1000, keepalive_timeout: 1000, failure_limit: 0, eject_time: 0 };
  const leaf = () => {
    const addresses = ['127.0.0.1:1', '127.0.0.1:2'].map((a) => parseOriginAddress(a) as OriginAddress);
    const set = new ReplicaSet('leaf', addresses, { eject: { failures: 1, time: 60_000, on_5xx: true }, dns_refresh: 0 },
      (address) => new LeafOrigin(address, pool, 100, log), { listener: 'l', log, registry });
    sets.push(set);
    return new Leaf('leaf', set, null, true, metrics);
  };
  try {
    const halfDown = leaf();
    const down = halfDown.replicas.replicas[1]!;
    down.inFlight++;
    down.release(0, new ConnectionResetError(down.label, 'ECONNRESET')); // one failure ejects it here
    assert.equal(down.available, false);
    const call = new LeafCall(gather, halfDown, '/q');
    call.start(0);
    assert.equal(call.hedgeAt, 5);
    call.hedge(5);
    assert.equal(call.attempts.length, 1, 'not raced on the replica it already waits for');
    assert.equal(metrics.hedges.value, 0);
    assert.equal(metrics.hedgesDenied.value, 0, 'the budget did not deny it');
    assert.ok(call.hedgeAt > 5 && call.hedgeAt < Infinity, 'asked again later');

    // Both up: the hedge goes to the other replica, paid with the token the two first requests earned.
    const both = new LeafCall(gather, leaf(), '/q');
    both.start(0);
    both.hedge(5);
    assert.equal(both.attempts.length, 2);
    assert.notEqual(both.attempts[0]!.replica, both.attempts[1]!.replica);
    assert.equal(metrics.hedges.value, 1);
    assert.equal(hedging.afford(), true, 'the first call\'s token was not spent');
    call.cancel('client_closed');
    both.cancel('client_closed');
  } finally {
    for (const set of sets) set.destroy();
  }
});
