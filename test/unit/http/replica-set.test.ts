/**
 * The shared replica set: power-of-two-choices least-in-flight, passive
 * ejection with half-open rejoin, active health checks against a real
 * node:http server, and DNS re-resolution with a scripted resolver.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_CLOSED, RESET, RESPONSE_TIMEOUT } from '../../../src/http/errors.ts';
import { Origin, type OriginSettings } from '../../../src/http/upstream/origin.ts';
import { ConnectRefusedError } from '../../../src/upstream/errors.ts';
import { parseOriginAddress, type OriginAddress } from '../../../src/http/upstream/origin-address.ts';
import type { ReplicaSetConfig } from '../../../src/http/upstream/replica-options.ts';
import { ReplicaSet } from '../../../src/http/upstream/replica-set.ts';
import { createLogger } from '../../../src/log.ts';
import { Registry } from '../../../src/metrics/registry.ts';

const SETTINGS: OriginSettings = { connections: 4, queue: 16, idleTimeout: 4000, connectTimeout: 500, failureLimit: 0, ejectTime: 0 };
const context = () => ({ listener: 'test', log: createLogger('silent'), registry: new Registry() });
const addresses = (...labels: string[]) => labels.map((l) => parseOriginAddress(l) as OriginAddress);
const config = (over: Partial<ReplicaSetConfig> = {}): ReplicaSetConfig => ({
  eject: { failures: 3, time: 200, on_5xx: true }, dns_refresh: 0, ...over,
});
const sets: ReplicaSet<Origin>[] = [];
function replicaSet(labels: string[], over: Partial<ReplicaSetConfig> = {}, resolve?: (host: string) => Promise<string[]>): ReplicaSet<Origin> {
  const log = createLogger('silent');
  const set = new ReplicaSet('s', addresses(...labels), config(over), (address) => new Origin(address, SETTINGS, log), context(), resolve);
  sets.push(set);
  return set;
}
after(() => sets.forEach((s) => s.destroy()));

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

describe('balancing', () => {
  test('spreads picks over every replica, and prefers the one with fewer requests in flight', () => {
    const set = replicaSet(['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3']);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const r = set.pick()!;
      counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
      r.release(200, null);
    }
    for (const n of counts.values()) assert.ok(n > 800 && n < 1200, `uneven: ${[...counts.values()]}`);
    // Load one replica with 100 open requests: P2C sends it nothing while another has fewer.
    const busy = set.replicas[0]!;
    busy.inFlight = 100;
    for (let i = 0; i < 1000; i++) {
      const r = set.pick()!;
      assert.notEqual(r, busy);
      r.release(200, null);
    }
  });

  test('a retry avoids the replica it already tried when another is available', () => {
    const set = replicaSet(['127.0.0.1:1', '127.0.0.1:2']);
    for (let i = 0; i < 200; i++) {
      const first = set.pick()!;
      const second = set.pick(first)!;
      assert.notEqual(first, second);
      first.settle(0, CLIENT_CLOSED);
      second.release(200, null);
    }
    const single = replicaSet(['127.0.0.1:1']);
    const only = single.pick()!;
    assert.equal(single.pick(only), only, 'with one replica a retry goes to it again');
  });
});

describe('passive ejection', () => {
  test('consecutive failures or 5xx eject; the set reports going down and coming back; rejoin is half-open', async () => {
    const set = replicaSet(['127.0.0.1:1']);
    const flips: boolean[] = [];
    set.onAvailabilityChange = (s) => flips.push(s.available);
    const replica = set.replicas[0]!;
    set.pick()!.settle(0, RESET);
    set.pick()!.release(502, null);
    set.pick()!.release(200, null); // resets the count
    set.pick()!.settle(0, CLIENT_CLOSED); // neutral
    set.pick()!.releaseUnjudged(); // neutral too
    set.pick()!.settle(0, RESPONSE_TIMEOUT);
    set.pick()!.release(503, null);
    assert.equal(set.available, true);
    set.pick()!.release(0, new ConnectRefusedError('127.0.0.1:1', 'ECONNREFUSED'));
    assert.equal(set.available, false);
    assert.equal(set.pick(), null);
    assert.deepEqual(flips, [false]);
    assert.equal(replica.inFlight, 0);
    await sleep(300);
    assert.deepEqual(flips, [false, true]);
    set.pick()!.release(500, null);
    assert.equal(set.available, false, 'one failure after rejoining ejects again');
  });

  test('5xx answers do not count with on_5xx: false', () => {
    const set = replicaSet(['127.0.0.1:1'], { eject: { failures: 1, time: 1000, on_5xx: false } });
    for (let i = 0; i < 10; i++) set.pick()!.release(503, null);
    assert.equal(set.available, true);
    set.pick()!.settle(0, RESET);
    assert.equal(set.available, false);
  });

  test('failures: 0 never ejects', () => {
    const set = replicaSet(['127.0.0.1:1'], { eject: { failures: 0, time: 1000, on_5xx: true } });
    for (let i = 0; i < 50; i++) set.pick()!.settle(0, RESET);
    assert.equal(set.available, true);
  });
});

describe('active health checks', () => {
  let server: http.Server;
  let port = 0;
  let healthy = true;
  let checks = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/healthz') checks++;
      res.statusCode = req.url === '/healthz' && !healthy ? 503 : 200;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => server.close());

  test('failing checks take a replica out, passing ones bring it back; a dead address fails within the timeout', async () => {
    const health = { path: '/healthz', interval: 30, timeout: 200, fails: 2, passes: 2 };
    const set = replicaSet([`127.0.0.1:${port}`, '127.0.0.1:1'], { health });
    set.start();
    await until(() => !set.replicas[1]!.available, 'the closed port fails its checks');
    assert.equal(set.replicas[0]!.available, true);
    healthy = false;
    const before = checks;
    await until(() => !set.available, 'the failing replica is taken out');
    assert.ok(checks - before >= 2, `it took two failed checks, not ${checks - before}`);
    healthy = true;
    await until(() => set.replicas[0]!.available, 'passing checks bring it back');
    await set.close();
  });
});

describe('DNS re-resolution', () => {
  test('a changed address gives the replica a fresh pool; IP literals are not resolved', async () => {
    let answer = ['10.0.0.1'];
    const asked: string[] = [];
    const set = replicaSet(['http://shard-0.web.svc:8080', '127.0.0.1:9'], { dns_refresh: 20 }, async (host) => {
      asked.push(host);
      return answer;
    });
    const named = set.replicas[0]!;
    const first = named.origin;
    set.start();
    await until(() => asked.length >= 3, 'three lookups');
    assert.equal(named.origin, first, 'same addresses: same pool');
    answer = ['10.0.0.2'];
    await until(() => named.origin !== first, 'new address: new pool');
    assert.ok(asked.length >= 3 && asked.every((h) => h === 'shard-0.web.svc'), `asked ${asked}`);
  });
});
