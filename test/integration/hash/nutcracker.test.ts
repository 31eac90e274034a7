/**
 * padda's hashing against the real twemproxy (Debian's nutcracker 0.5.0): keys
 * written through nutcracker must sit on the very server padda's routing
 * names, for every hash and both key-dependent distributions, with weights,
 * server names, hash tags, the memcached port-11211 naming rule, and after
 * auto-ejection. Zero mismatches allowed.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  buildDistribution, createRouter, HASH_NAMES, twemproxyServerName, type HashName, type KeyRouter,
} from '../../../src/hash/index.ts';
import { countLines, exchange, memcachedHas, redisKeyOwners } from '../../support/key-location.ts';
import { freeLoopbackHosts, freePorts } from '../../support/ports.ts';
import { startMemcached, startNutcracker, startRedis, type RunningServer } from '../../support/servers.ts';
import { twemproxyClient } from '../../support/twemproxy-client.ts';
import { rng } from '../../unit/hash/keys.ts';

const TWEMPROXY_HASHES = HASH_NAMES.slice(0, 12) as readonly HashName[];

interface PoolServer {
  backend: number; // index into the redis list, or -1 for a server nothing listens on
  weight: number;
  name?: string;
}

interface Pool {
  name: string;
  hash: HashName;
  distribution: 'ketama' | 'modula';
  hashTag?: string;
  servers: PoolServer[];
  keys: number;
  port?: number;
}

const next = rng(2024);

/** Binary keys: the pool's prefix, then 0..32 random bytes of any value (≥ 0x80 included). */
function binaryKeys(pool: Pool): Buffer[] {
  return Array.from({ length: pool.keys }, (_, i) => {
    const tail = Buffer.from(Array.from({ length: Math.floor(next() * 33) }, () => Math.floor(next() * 256)));
    const tag = pool.hashTag && i % 2 === 0 ? `{user${i % 97}}` : '';
    return Buffer.concat([Buffer.from(`${pool.name}:${tag}`), tail]);
  });
}

describe('hash routing against real nutcracker', { timeout: 120_000 }, () => {
  const started: RunningServer[] = [];
  let redis: RunningServer[] = [];
  let deadPort = 0;
  const closers: Array<() => Promise<void>> = [];
  after(() => Promise.all([...started.map((s) => s.stop()), ...closers.map((close) => close())]));

  const pools: Pool[] = [
    // The book's setup.
    { name: 'book', hash: 'fnv1a_64', distribution: 'ketama', keys: 10_000,
      servers: [0, 1, 2].map((backend) => ({ backend, weight: 1 })) },
    { name: 'murmur_modula', hash: 'murmur', distribution: 'modula', keys: 10_000,
      servers: [0, 1, 2, 3].map((backend, i) => ({ backend, weight: [1, 2, 1, 3][i] })) },
    // Names out of config order; weight 1 of 25 over 5 servers is where float32 matters.
    { name: 'md5_named', hash: 'md5', distribution: 'ketama', keys: 10_000,
      servers: [0, 1, 2, 3, 4].map((backend, i) => ({ backend, weight: [1, 6, 6, 6, 6][i], name: `shard-${'ebdac'[i]}` })) },
    { name: 'crc32a_tagged', hash: 'crc32a', distribution: 'ketama', hashTag: '{}', keys: 10_000,
      servers: [0, 1, 2].map((backend) => ({ backend, weight: 1 })) },
    // Every twemproxy hash with both distributions.
    ...TWEMPROXY_HASHES.flatMap((hash): Pool[] => [
      { name: `k_${hash}`, hash, distribution: 'ketama', keys: 1_000,
        servers: [0, 1, 2, 3].map((backend, i) => ({ backend, weight: [1, 1, 2, 1][i] })) },
      { name: `m_${hash}`, hash, distribution: 'modula', keys: 1_000,
        servers: [4, 3, 2].map((backend, i) => ({ backend, weight: [2, 1, 1][i] })) },
    ]),
    // A server that never answers gets ejected; its keys move as twemproxy moves them.
    { name: 'eject_ketama', hash: 'fnv1a_64', distribution: 'ketama', keys: 2_000,
      servers: [0, 1, -1, 2].map((backend) => ({ backend, weight: 1 })) },
    { name: 'eject_modula', hash: 'murmur', distribution: 'modula', keys: 2_000,
      servers: [0, -1, 1, 2].map((backend) => ({ backend, weight: 1 })) },
  ];

  const address = (s: PoolServer) => ({ host: '127.0.0.1', port: s.backend < 0 ? deadPort : redis[s.backend].port });

  function yamlOf(p: Pool): string {
    const lines = [
      `${p.name}:`, `  listen: 127.0.0.1:${p.port}`, `  hash: ${p.hash}`, `  distribution: ${p.distribution}`,
      // A generous timeout: a slow reply on a busy machine must not eject a live server.
      '  redis: true', '  timeout: 30000',
    ];
    if (p.servers.some((s) => s.backend < 0)) {
      lines.push('  auto_eject_hosts: true', '  server_failure_limit: 1', '  server_retry_timeout: 600000');
    }
    if (p.hashTag) lines.push(`  hash_tag: "${p.hashTag}"`);
    lines.push('  servers:');
    for (const s of p.servers) {
      const { host, port } = address(s);
      lines.push(`    - ${host}:${port}:${s.weight}${s.name ? ` ${s.name}` : ''}`);
    }
    return lines.join('\n');
  }

  /** What padda routes with: the same servers, named by twemproxy's rule. */
  function routerOf(p: Pool, live?: boolean[]): KeyRouter {
    const servers = p.servers.map((s) => ({ name: twemproxyServerName({ ...address(s), name: s.name }), weight: s.weight }));
    const distribution = buildDistribution(p.distribution, servers, { live });
    return createRouter({ hash: p.hash, distribution, hashTag: p.hashTag });
  }

  before(async () => {
    redis = await Promise.all([0, 1, 2, 3, 4].map(() => startRedis()));
    started.push(...redis);
    // The dead server: a port we hold (so no other test's server can take it)
    // that drops every connection at once, which nutcracker counts as a failure.
    const dead = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dead.listen({ host: '127.0.0.1', port: 0 }, resolve));
    deadPort = (dead.address() as net.AddressInfo).port;
    closers.push(() => new Promise<void>((resolve) => dead.close(() => resolve())));
    const ports = await freePorts(pools.length);
    pools.forEach((p, i) => (p.port = ports[i]));
    started.push(await startNutcracker(pools.map(yamlOf).join('\n') + '\n'));
  });

  it('puts every key where padda routes it, for every pool', async () => {
    const written = new Map<string, Buffer[]>();
    // Make nutcracker eject the dead servers first: one request each, until one
    // hits the dead server and fails (server_failure_limit: 1 ejects it then).
    // The keys differ in their first bytes: fnv1a_64 barely mixes a varying
    // last byte, so "warmup:0".."warmup:199" could all miss the dead server.
    await Promise.all(pools.filter((p) => p.servers.some((s) => s.backend < 0)).map(async (p) => {
      const client = twemproxyClient(p.port!, { maxRetriesPerRequest: 0 });
      const replies: string[] = [];
      for (let i = 0; i < 200 && !replies.at(-1)?.startsWith('E'); i++) {
        replies.push(await client.set(`${i}:warmup`, '1').then(String, (e: Error) => `E ${e.message}`));
      }
      client.disconnect();
      assert.ok(replies.at(-1)?.startsWith('E'), `${p.name}: no request reached the dead server: ${[...new Set(replies)]}`);
    }));
    await Promise.all(pools.map(async (p) => {
      const keys = binaryKeys(p);
      if (p.name === 'book') keys.push(Buffer.alloc(0)); // twemproxy routes an empty key by hash 0
      const client = twemproxyClient(p.port!, { maxRetriesPerRequest: 0 });
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.set(key, '1');
      const results = (await pipeline.exec())!;
      client.disconnect();
      const failed = results.filter(([err]) => err);
      assert.equal(failed.length, 0, `${p.name}: ${failed.length} SETs failed, first: ${failed[0]?.[0]}`);
      written.set(p.name, keys);
    }));

    const owners = await redisKeyOwners(redis.map((r) => ({ host: r.host, port: r.port })));
    const report: string[] = [];
    for (const p of pools) {
      const live = p.servers.map((s) => s.backend >= 0);
      const router = routerOf(p, live);
      let mismatches = 0;
      for (const key of written.get(p.name)!) {
        const want = p.servers[router.route(key, 0, key.length)].backend;
        const got = owners.get(key.toString('hex'));
        if (got !== want && mismatches++ < 3) report.push(`${p.name}: key ${key.toString('hex')} on redis ${got}, padda says ${want}`);
      }
      if (mismatches) report.push(`${p.name}: ${mismatches} of ${p.keys} keys elsewhere`);
    }
    assert.deepEqual(report, []);
  });

  it('names memcached servers on port 11211 by host alone, as twemproxy does', async () => {
    const hosts = await freeLoopbackHosts(3, 11211);
    const memcached = await Promise.all(hosts.map((host) => startMemcached({ host, port: 11211 })));
    started.push(...memcached);
    const [listen] = await freePorts(1);
    const proxy = await startNutcracker([
      'memcache:', `  listen: 127.0.0.1:${listen}`, '  hash: fnv1a_64', '  distribution: ketama', '  servers:',
      ...hosts.map((h, i) => `    - ${h}:11211:${i + 1}`), '',
    ].join('\n'));
    started.push(proxy);

    const keys = Array.from({ length: 10_000 }, (_, i) =>
      `mc:${i}:` + String.fromCharCode(...Array.from({ length: Math.floor(next() * 40) }, () => 33 + Math.floor(next() * 94))));
    const payload = keys.map((k) => `set ${k} 0 0 1\r\nx\r\n`).join('');
    await exchange({ host: '127.0.0.1', port: listen }, payload, (r) => countLines(r, '\r\n') >= keys.length);

    const names = hosts.map((host, i) => ({ name: twemproxyServerName({ host, port: 11211 }), weight: i + 1 }));
    assert.deepEqual(names.map((n) => n.name), hosts);
    const router = createRouter({ hash: 'fnv1a_64', distribution: buildDistribution('ketama', names) });
    const held = await Promise.all(memcached.map((m) => memcachedHas(m, keys)));
    const misplaced = keys.filter((k) => {
      const b = Buffer.from(k, 'latin1');
      return !held[router.route(b, 0, b.length)].has(k);
    });
    assert.deepEqual(misplaced.slice(0, 5), [], `${misplaced.length} of ${keys.length} keys not where padda routes them`);
  });
});

