/**
 * The balance mode's policies on a real replica set (origins that are never
 * dialled): weighted shares, avoiding a retry's replica, slow start after an
 * ejection, and the config's refusals.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Origin } from '../../../src/http/upstream/origin.ts';
import { parseOriginAddress, type OriginAddress } from '../../../src/http/upstream/origin-address.ts';
import { ReplicaSet } from '../../../src/http/upstream/replica-set.ts';
import { createLogger } from '../../../src/log.ts';
import { Registry } from '../../../src/metrics/registry.ts';
import { LeastRequest } from '../../../src/modes/balance/least-request.ts';
import { Members, type Member } from '../../../src/modes/balance/members.ts';
import type { Policy } from '../../../src/modes/balance/policy.ts';
import { RoundRobin } from '../../../src/modes/balance/round-robin.ts';
import { balanceSchema } from '../../../src/modes/balance/schema.ts';
import { ConnectRefusedError } from '../../../src/upstream/errors.ts';
import { standInRequest } from '../../support/http-request.ts';

const log = createLogger('silent');
const sets: ReplicaSet<Origin>[] = [];
after(() => sets.forEach((s) => s.destroy()));

function members(count: number, weights: number[], slowStart: { window: number; min_weight_percent: number } | null = null): Members {
  const addresses = Array.from({ length: count }, (_, i) => parseOriginAddress(`127.0.0.1:${i + 1}`) as OriginAddress);
  const settings = { connections: 1, queue: 1, idleTimeout: 1000, connectTimeout: 100, failureLimit: 0, ejectTime: 0 };
  const set = new ReplicaSet('s', addresses, { eject: { failures: 1, time: 100, on_5xx: true }, dns_refresh: 0 }, (a) => new Origin(a, settings, log), { listener: 't', log, registry: new Registry() });
  sets.push(set);
  return new Members(set, weights, slowStart);
}

const request = standInRequest('/', {}, '10.0.0.1');

function shares(policy: Policy, picks: number, all: readonly Member[]): number[] {
  const counts = all.map(() => 0);
  for (let i = 0; i < picks; i++) counts[all.indexOf(policy.choose(request, null)!)]!++;
  return counts.map((c) => c / picks);
}

describe('policies', () => {
  test('smooth weighted round robin gives exact shares and never runs a heavy replica more than its weight apart', () => {
    const m = members(3, [5, 1, 1]);
    const rr = new RoundRobin(m);
    const order = Array.from({ length: 7 }, () => m.all.indexOf(rr.choose(request, null)!));
    assert.deepEqual(order, [0, 0, 1, 0, 2, 0, 0]);
  });

  test('a retry never gets the replica it avoids while another is live', () => {
    for (const make of [(m: Members) => new RoundRobin(m), (m: Members) => new LeastRequest(m)]) {
      for (const weights of [[1, 1, 1], [5, 1, 1]]) {
        const m = members(3, weights);
        const policy = make(m);
        for (let i = 0; i < 300; i++) assert.notEqual(policy.choose(request, m.all[0]!), m.all[0]);
      }
    }
  });

  test('weighted least_request: idle replicas share by weight; a busy one gives way', () => {
    const m = members(3, [2, 1, 1]);
    const lr = new LeastRequest(m);
    const idle = shares(lr, 20_000, m.all);
    assert.ok(Math.abs(idle[0]! - 0.5) < 0.02, `idle shares ${idle}`);
    m.all[0]!.replica.inFlight = 50;
    const busy = shares(lr, 2000, m.all);
    assert.ok(busy[0]! < 0.01, `busy shares ${busy}`);
    m.all[0]!.replica.inFlight = 0;
  });

  test('slow start: a replica back from ejection starts at its minimum share and reaches its full share after the window', async () => {
    const m = members(2, [1, 1], { window: 600, min_weight_percent: 10 });
    const rr = new RoundRobin(m);
    assert.deepEqual(shares(rr, 1000, m.all), [0.5, 0.5], 'replicas up at start are not warmed');
    m.all[0]!.replica.release(0, new ConnectRefusedError('127.0.0.1:1', 'ECONNREFUSED'));
    assert.deepEqual(shares(rr, 100, m.all), [0, 1]);
    await sleep(150);
    const warming = shares(rr, 1100, m.all);
    assert.ok(warming[0]! > 0.05 && warming[0]! < 0.3, `just back: ${warming}`);
    await sleep(700);
    assert.deepEqual(shares(rr, 1000, m.all), [0.5, 0.5]);
  });
});

describe('config', () => {
  const base = { mode: 'balance', listen: '127.0.0.1:8080' };
  test('replicas as addresses or {address, weight}; least_request by default', () => {
    const parsed = balanceSchema.parse({ ...base, replicas: ['http://a:80', { address: 'b:80', weight: 3 }], slow_start: '30s' });
    assert.equal(parsed.policy, 'least_request');
    assert.deepEqual(parsed.replicas, [{ address: 'http://a:80', weight: 1 }, { address: 'b:80', weight: 3 }]);
    assert.deepEqual(parsed.slow_start, { window: 30_000, min_weight_percent: 10 });
  });
  for (const [what, over, message] of [
    ['a replica with a path', { replicas: ['http://a:80/x'] }, /must not have a path/],
    ['a replica listed twice', { replicas: ['a:80', 'a:80'] }, /listed twice/],
    ['an unknown key variable', { policy: 'ring_hash', key: '$nope', replicas: ['a:80'] }, /unknown variable/],
    ['slow start with ring_hash', { policy: 'ring_hash', slow_start: '10s', replicas: ['a:80'] }, /slow start does not apply/],
    ['no replicas', { replicas: [] }, /at least one replica/],
  ] as const) {
    test(`refuses ${what}`, () => {
      const result = balanceSchema.safeParse({ ...base, ...over });
      assert.equal(result.success, false);
      assert.match(JSON.stringify(result.error!.issues), message);
    });
  }
});
