import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, Redis } from 'ioredis';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedisCluster, type RedisClusterNodes } from '../../support/redis-cluster.ts';
import { startRedis } from '../../support/servers.ts';
import { keySlot } from '../../../src/modes/redis/cluster/hash-slot.ts';

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

let cluster: RedisClusterNodes;
let padda: PaddaProcess;
let client: Redis;
let admin: number;

function clusterPool(port: number, adminPort: number, seeds: string[], extra = ''): string {
  return `
admin: { listen: 127.0.0.1:${adminPort} }
listeners:
  cache:
    mode: redis
    listen: 127.0.0.1:${port}
    timeout: 2000
${extra}
    cluster:
${seeds.map((seed) => `      - ${seed}`).join('\n')}
`;
}

/** What `ask` answers on a connection of its own to one node, closed after. */
async function once<T>(port: number, ask: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
  try {
    return await ask(redis);
  } finally {
    redis.disconnect();
  }
}

/** The primary that serves `key`, asked of the cluster (CLUSTER KEYSLOT, then CLUSTER SLOTS). */
function ownerOf(key: string): Promise<{ slot: number; port: number; id: string }> {
  return once(cluster.nodes[0]!.port, async (node) => {
    const slot = Number(await node.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await node.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, string]]>;
    const range = ranges.find(([start, end]) => slot >= start && slot <= end)!;
    return { slot, port: range[2][1], id: range[2][2] };
  });
}

/** A key whose hash slot is within [low, high]. */
function keyIn(low: number, high: number): string {
  for (let i = 0; ; i++) {
    const key = `key-${i}`;
    const slot = keySlot(Buffer.from(key), 0, key.length);
    if (slot >= low && slot <= high) return key;
  }
}

before(async () => {
  cluster = await startRedisCluster(3, 1);
  cleanup.push(() => cluster.stop());
  let port: number;
  [port, admin] = (await freePorts(2)) as [number, number];
  // One seed only: the rest of the cluster is learnt from it.
  padda = startPadda(clusterPool(port, admin, [cluster.addresses[0]!]));
  cleanup.push(() => padda.stop());
  await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 30_000);
  client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
  cleanup.push(() => client.disconnect());
});

describe('redis listener over a Redis Cluster', () => {
  test('the same data through padda and through ioredis Cluster: 2000 keys written by each, read back by the other', async () => {
    const native = new Cluster(cluster.addresses.slice(0, 1).map((address) => ({ host: '127.0.0.1', port: Number(address.split(':')[1]) })));
    cleanup.push(() => native.disconnect());
    const prefix = randomBytes(4).toString('hex');
    const viaPadda = Array.from({ length: 2000 }, (_, i) => `${prefix}:p:${i}`);
    const viaNative = Array.from({ length: 2000 }, (_, i) => `${prefix}:n:${i}`);
    await Promise.all(viaPadda.map((key) => client.set(key, `v-${key}`)));
    await Promise.all(viaNative.map((key) => native.set(key, `v-${key}`)));
    const readByNative = await Promise.all(viaPadda.map((key) => native.get(key)));
    const readByPadda = await Promise.all(viaNative.map((key) => client.get(key)));
    assert.deepEqual(readByNative, viaPadda.map((key) => `v-${key}`));
    assert.deepEqual(readByPadda, viaNative.map((key) => `v-${key}`));
    // Every primary holds some of them: the keys were spread by slot, not sent to one node.
    const sizes = await Promise.all(cluster.nodes.map((node) => once(node.port, (redis) => redis.dbsize())));
    assert.equal(sizes.filter((n) => n > 0).length, 6, `keys per node (3 primaries, 3 replicas): ${sizes}`);
  });

  test('keys are routed by CRC16 hash slot, hash tags included: padda route agrees with CLUSTER KEYSLOT', async () => {
    const keys = ['123456789', 'foo', '{user1000}.following', '{user1000}.followers', 'foo{}{bar}', 'foo{{bar}}zap', 'foo{bar}{zap}'];
    const routed = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['bin/padda', 'route', '-c', padda.configPath, ...keys], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const slots = await Promise.all(keys.map(async (key) => (await ownerOf(key)).slot));
    assert.deepEqual(routed.trim().split('\n'), keys.map((key, i) => `${key}\tslot ${slots[i]}`));
  });

  test('MGET, MSET, DEL and EXISTS over keys in many slots are split by slot and merged in key order', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `${randomBytes(3).toString('hex')}:${i}`);
    assert.equal(await client.mset(Object.fromEntries(keys.map((key) => [key, `value-${key}`]))), 'OK');
    assert.deepEqual(await client.mget(...keys, 'missing-key'), [...keys.map((key) => `value-${key}`), null]);
    assert.equal(await client.exists(...keys), 40);
    assert.equal(await client.del(...keys.slice(0, 25)), 25);
    assert.equal(await client.exists(...keys), 15);
  });

  test('a multi-key command other than the split ones must stay in one slot; a hash tag keeps it there', async () => {
    await assert.rejects(client.sunionstore('dest-a', 'set-b', 'set-c'), /CROSSSLOT/);
    await client.sadd('{tag}b', 'x');
    await client.sadd('{tag}c', 'y');
    assert.equal(await client.sunionstore('{tag}a', '{tag}b', '{tag}c'), 2);
  });

  test('a transaction over one slot runs; one across slots is refused like the rest, nothing applied', async () => {
    const ok = await client.multi().set('{tx}one', '1').incr('{tx}two').exec();
    assert.deepEqual(ok, [[null, 'OK'], [null, 1]]);
    const crossing = client.multi().set('tx-one', '1').set('tx-two', '2');
    await assert.rejects(crossing.exec(), /EXECABORT/);
    assert.equal(await client.exists('tx-one', 'tx-two'), 0);
  });

  test('ASK during a slot migration and MOVED after it are followed; the client never sees them', async () => {
    const key = `moving-${randomBytes(4).toString('hex')}`;
    await client.set(key, 'before');
    const from = await ownerOf(key);
    const to = cluster.nodes.find((node) => node.port !== from.port && cluster.nodes.indexOf(node) < 3) ?? cluster.nodes.find((node) => node.port !== from.port)!;
    const target = new Redis({ host: '127.0.0.1', port: to.port });
    const source = new Redis({ host: '127.0.0.1', port: from.port });
    cleanup.push(() => target.disconnect(), () => source.disconnect());
    const targetId = String(await target.call('CLUSTER', 'MYID'));
    // A primary, not a replica of the source, so the slot can move to it.
    assert.match(String(await target.call('ROLE')), /master/);
    await target.call('CLUSTER', 'SETSLOT', String(from.slot), 'IMPORTING', from.id);
    await source.call('CLUSTER', 'SETSLOT', String(from.slot), 'MIGRATING', targetId);
    await source.call('MIGRATE', '127.0.0.1', String(to.port), key, '0', '5000');
    // The key has moved, the slot has not: the source answers ASK.
    assert.equal(await client.get(key), 'before');
    assert.equal(await client.set(key, 'during'), 'OK');
    assert.equal(await target.call('ASKING').then(() => target.get(key)), 'during');
    for (const node of cluster.nodes) {
      await once(node.port, (redis) => redis.call('CLUSTER', 'SETSLOT', String(from.slot), 'NODE', targetId)).catch(() => {});
    }
    // The source now answers MOVED, which padda follows and remembers.
    assert.equal(await client.get(key), 'during');
    assert.equal(await client.mget(key, `${key}-absent`).then((values) => values[0]), 'during');
    const metrics = await get(`http://127.0.0.1:${admin}/metrics`);
    assert.match(metrics.body, /padda_redis_cluster_redirects_total\{listener="cache",kind="ask"\} [1-9]/);
    assert.match(metrics.body, /padda_redis_cluster_redirects_total\{listener="cache",kind="moved"\} [1-9]/);
  });
});

/** GET calls each node served since its stats were reset, by role. */
async function getsByRole(): Promise<{ primary: number; replica: number }> {
  const counts = { primary: 0, replica: 0 };
  for (const node of cluster.nodes) {
    const [role, stats] = await once(node.port, async (redis) => [String(((await redis.call('ROLE')) as unknown[])[0]), await redis.info('commandstats')] as const);
    const calls = Number(/cmdstat_get:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    counts[role === 'master' ? 'primary' : 'replica'] += calls;
  }
  return counts;
}

describe('redis listener over a Redis Cluster: read_from', () => {
  for (const readFrom of ['primary', 'replica', 'prefer_replica'] as const) {
    test(`read_from: ${readFrom} — read-only commands go to ${readFrom === 'primary' ? 'the primaries' : 'the replicas (READONLY)'}, writes to the primaries`, async () => {
      const [port, adminPort] = (await freePorts(2)) as [number, number];
      const reader = startPadda(clusterPool(port, adminPort, [cluster.addresses[0]!], `    read_from: ${readFrom}`));
      cleanup.push(() => reader.stop());
      await waitForStatus(`http://127.0.0.1:${adminPort}/ready`, 200, 30_000);
      const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
      cleanup.push(() => redis.disconnect());
      const keys = Array.from({ length: 100 }, (_, i) => `read-${readFrom}-${i}`);
      await Promise.all(keys.map((key) => redis.set(key, key)));
      // Replicas apply writes a moment later: wait until every key reads back through padda.
      for (let i = 0; i < 100; i++) {
        const values = await Promise.all(keys.map((key) => redis.get(key)));
        if (values.every((value, j) => value === keys[j])) break;
        await sleep(50);
      }
      await Promise.all(cluster.nodes.map((node) => once(node.port, (r) => r.call('CONFIG', 'RESETSTAT'))));
      const values = await Promise.all(keys.map((key) => redis.get(key)));
      assert.deepEqual(values, keys);
      const gets = await getsByRole();
      if (readFrom === 'primary') assert.deepEqual(gets, { primary: 100, replica: 0 });
      else assert.deepEqual(gets, { primary: 0, replica: 100 });
    });
  }
});

describe('redis listener over a Redis Cluster: missing parts', () => {
  test('every seed down at start: commands answer a clear CLUSTERDOWN error and /ready says why; the map is found once a node is up; an uncovered slot answers its own error', async () => {
    const [seedPort, busPort, port, adminPort] = (await freePorts(4)) as [number, number, number, number];
    const alone = startPadda(clusterPool(port, adminPort, [`127.0.0.1:${seedPort}`]));
    cleanup.push(() => alone.stop());
    await waitForStatus(`http://127.0.0.1:${adminPort}/healthz`, 200, 30_000);
    const early = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
    cleanup.push(() => early.disconnect());
    await assert.rejects(early.get('k'), /CLUSTERDOWN The cluster is down \(padda has no slot map yet: no cluster node answered .*127\.0\.0\.1:\d+: Connection refused/);
    const ready = await get(`http://127.0.0.1:${adminPort}/ready`);
    assert.equal(ready.status, 503);
    assert.match(ready.body, /no cluster slot map yet/);
    // A one-node cluster on the seed's port, serving half the slots, and not refusing the rest itself.
    // The bus port too: port + 10000 may be taken, or past 65535.
    const node = await startRedis({ port: seedPort, args: ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', `nodes-${seedPort}.conf`, '--cluster-require-full-coverage', 'no'] });
    cleanup.push(() => node.stop());
    const direct = new Redis({ host: '127.0.0.1', port: seedPort });
    cleanup.push(() => direct.disconnect());
    await direct.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191');
    const served = keyIn(0, 8191), unserved = keyIn(8192, 16383);
    let answered = '';
    for (let i = 0; i < 100 && answered !== 'OK'; i++) {
      answered = await early.set(served, 'v').catch((error: Error) => error.message);
      if (answered !== 'OK') await sleep(100);
    }
    assert.equal(answered, 'OK', `the map was not found once the node was up: ${answered}`);
    await assert.rejects(early.set(unserved, 'v'), (error: Error) => error.message === 'CLUSTERDOWN Hash slot not served');
    const uncovered = await get(`http://127.0.0.1:${adminPort}/ready`);
    assert.equal(uncovered.status, 503);
    assert.match(uncovered.body, /8192 hash slots are served by no node/);
  });
});
