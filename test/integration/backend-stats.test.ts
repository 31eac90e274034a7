import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { startMemcached, startRedis, type RunningServer } from '../support/servers.ts';
import { startSilentServer, type SilentServer } from '../support/silent-server.ts';

/** The value of the one sample of `/metrics` text whose name and labels start as given. */
function sample(metrics: string, prefix: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function connectionsReceived(port: number): Promise<number> {
  const client = new Redis({ host: '127.0.0.1', port, password: 'secret', lazyConnect: true });
  await client.connect();
  const info = await client.info('stats');
  client.disconnect();
  return Number(/total_connections_received:(\d+)/.exec(info)![1]);
}

/** backend_stats: each server's INFO / stats as Prometheus series on the admin /metrics, the book's redis_exporter built in. */
describe('backend_stats on redis and memcache pools', () => {
  let redis: RunningServer;
  let guarded: RunningServer;
  let memcached: RunningServer;
  let silent: SilentServer;
  let padda: PaddaProcess;
  let admin: number;
  let metricsUrl: string;
  let absent: number;

  before(async () => {
    silent = await startSilentServer();
    redis = await startRedis();
    guarded = await startRedis({ args: ['--requirepass', 'secret'] });
    memcached = await startMemcached();
    const [a, r, g, m, plain, gone] = (await freePorts(6)) as [number, number, number, number, number, number];
    admin = a;
    absent = gone;
    metricsUrl = `http://127.0.0.1:${admin}/metrics`;
    padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  cache:
    mode: redis
    listen: 127.0.0.1:${r}
    timeout: 300
    backend_stats: true
    servers:
      - 127.0.0.1:${redis.port}:1 fast
      - 127.0.0.1:${silent.port}:1 silent
  guarded:
    mode: redis
    listen: 127.0.0.1:${g}
    redis_auth: secret
    backend_stats: true
    servers: [127.0.0.1:${guarded.port}:1]
  sessions:
    mode: memcache
    listen: 127.0.0.1:${m}
    backend_stats: true
    servers:
      - 127.0.0.1:${memcached.port}:1 live
      - 127.0.0.1:${absent}:1 down
  quiet:
    mode: redis
    listen: 127.0.0.1:${plain}
    servers: [127.0.0.1:${redis.port}:1]
`);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    const direct = new Redis({ host: '127.0.0.1', port: redis.port });
    await direct.mset('a', '1', 'b', '2', 'c', '3');
    await direct.expire('a', 100);
    await direct.get('a');
    await direct.get('missing');
    direct.disconnect();
    const socket = await import('node:net').then((net) => net.connect(memcached.port, '127.0.0.1'));
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk) => chunk.toString().endsWith('END\r\n') && resolve());
      socket.write('set k 0 0 1\r\nv\r\nget k\r\nget nope\r\n');
    });
    socket.destroy();
  });

  after(async () => {
    await padda?.stop();
    await Promise.all([redis, guarded, memcached].map((s) => s?.stop()));
    await silent?.close();
  });

  test('INFO and stats figures per pool and server, valid for promtool', async () => {
    const { body } = await get(metricsUrl);
    // promtool exits 1 on a parse error and 3 on lint findings; findings about other series are
    // not this test's. None may be about these series.
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.ok(lint.status === 0 || lint.status === 3, lint.stderr);
    assert.deepEqual(`${lint.stdout}${lint.stderr}`.split('\n').filter((line) => /^(redis|memcached|padda_backend)_/.test(line)), []);
    const fast = '{listener="cache",server="127.0.0.1:' + redis.port + ':1 fast"';
    assert.equal(sample(body, `redis_up${fast}}`), 1);
    assert.equal(sample(body, `redis_db_keys${fast},db="db0"}`), 3);
    assert.equal(sample(body, `redis_db_keys_expiring${fast},db="db0"}`), 1);
    assert.ok(sample(body, `redis_keyspace_hits_total${fast}}`)! >= 1);
    assert.ok(sample(body, `redis_keyspace_misses_total${fast}}`)! >= 1);
    assert.ok(sample(body, `redis_memory_used_bytes${fast}}`)! > 100_000);
    assert.ok(sample(body, `redis_connected_clients${fast}}`)! >= 1);
    assert.match(body, new RegExp(`^redis_instance_info\\${fast.replace(/[.]/g, '\\.')},role="master",redis_version="\\d+\\.\\d+\\.\\d+"\\} 1$`, 'm'));
    assert.equal(sample(body, `redis_up{listener="guarded",server="127.0.0.1:${guarded.port}:1"}`), 1, 'AUTH with redis_auth first');
    const live = `{listener="sessions",server="127.0.0.1:${memcached.port}:1 live"`;
    assert.equal(sample(body, `memcached_up${live}}`), 1);
    assert.equal(sample(body, `memcached_current_items${live}}`), 1);
    assert.equal(sample(body, `memcached_commands_total${live},command="get",status="hit"}`), 1);
    assert.equal(sample(body, `memcached_commands_total${live},command="get",status="miss"}`), 1);
    assert.equal(sample(body, `memcached_limit_bytes${live}}`), 64 * 1024 * 1024);
    assert.doesNotMatch(body, /^redis_up\{listener="quiet"/m, 'a pool without backend_stats is not asked');
  });

  test('a server down and a server that never answers report up 0 and cost the scrape at most the pool\'s timeout', async () => {
    const started = performance.now();
    const { status, body } = await get(metricsUrl);
    assert.equal(status, 200);
    assert.ok(performance.now() - started < 3000);
    assert.equal(sample(body, `memcached_up{listener="sessions",server="127.0.0.1:${absent}:1 down"}`), 0);
    const silentLabels = `{listener="cache",server="127.0.0.1:${silent.port}:1 silent"}`;
    assert.equal(sample(body, `redis_up${silentLabels}`), 0);
    assert.equal(sample(body, `redis_memory_used_bytes${silentLabels}`), undefined, 'no figures for a server that did not answer');
    const waited = sample(body, `padda_backend_stats_duration_seconds${silentLabels}`)!;
    assert.ok(waited >= 0.29 && waited < 1, `the silent server was given the pool's 300 ms timeout, took ${waited}`);
  });

  test('a scrape storm asks each server at most once per 5 s', async () => {
    const before = await connectionsReceived(guarded.port);
    await Promise.all(Array.from({ length: 50 }, () => get(metricsUrl)));
    for (let i = 0; i < 20; i++) await get(metricsUrl);
    const after = await connectionsReceived(guarded.port);
    // One for our own INFO; padda's stats connection at most twice if the run crossed a 5 s window.
    assert.ok(after - before <= 3, `${after - before} connections for 70 scrapes`);
  });
});
