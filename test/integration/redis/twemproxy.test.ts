import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNutcracker, startRedis, type RunningServer } from '../../support/servers.ts';
import { twemproxyClient } from '../../support/twemproxy-client.ts';


let shards: RunningServer[];
let nutcracker: RunningServer;
let padda: PaddaProcess;
let viaNutcracker: Redis;
let viaPadda: Redis;
let nutcrackerYml: string;
let admin: number;
let statsPorts: { nutcracker: number; padda: number };

/** One JSON document from a twemproxy-style stats port. */
function readStats(port: number): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    let text = '';
    net.connect(port, '127.0.0.1')
      .setEncoding('utf8')
      .on('data', (chunk: string) => (text += chunk))
      .on('end', () => resolve(JSON.parse(text)))
      .on('error', reject);
  });
}

before(async () => {
  shards = await Promise.all(Array.from({ length: 4 }, () => startRedis()));
  const [twemPort, paddaPort, adminPort, twemStats, paddaStats] = (await freePorts(5)) as [number, number, number, number, number];
  admin = adminPort;
  statsPorts = { nutcracker: twemStats, padda: paddaStats };
  // The book's ambassador config, with named, unequally weighted servers; its 400 ms timeout is
  // 4000 here: on a loaded test machine a stall would eject a shard and move the keys after it.
  const pool = (port: number) => `sharded:
  listen: 127.0.0.1:${port}
  hash: fnv1a_64
  distribution: ketama
  auto_eject_hosts: true
  redis: true
  timeout: 4000
  server_retry_timeout: 2000
  server_failure_limit: 1
  servers:
${shards.map((s, i) => `   - 127.0.0.1:${s.port}:${i + 1} shard-${i}`).join('\n')}
`;
  nutcrackerYml = pool(twemPort);
  // A later -s wins over the helper's own stats port; -i 100 refreshes its stats every 100 ms, not 30 s.
  nutcracker = await startNutcracker(nutcrackerYml, { args: ['-s', String(twemStats), '-i', '100'] });
  // padda runs the very same file, only the listen port differs.
  // A nutcracker.yml has no admin block: PADDA_ADMIN_LISTEN places the admin server.
  padda = startPadda(pool(paddaPort), [], { PADDA_ADMIN_LISTEN: `127.0.0.1:${admin}`, PADDA_STATS_LISTEN: `127.0.0.1:${paddaStats}` });
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  viaNutcracker = twemproxyClient(twemPort);
  viaPadda = new Redis({ host: '127.0.0.1', port: paddaPort });
});

after(async () => {
  viaNutcracker?.disconnect();
  viaPadda?.disconnect();
  await padda?.stop();
  await nutcracker?.stop();
  await Promise.all((shards ?? []).map((s) => s.stop()));
});

test('padda runs an unchanged nutcracker.yml as a redis listener', async () => {
  assert.match(nutcrackerYml, /redis: true/);
  const config = JSON.parse((await get(`http://127.0.0.1:${admin}/config`)).body);
  assert.equal(config.listeners.sharded.mode, 'redis');
  assert.equal(config.listeners.sharded.servers[1], `127.0.0.1:${shards[1]!.port}:2 shard-1`);
  assert.ok(padda.logs().some((line) => line.msg === 'listener started' && line.mode === 'redis' && line.listener === 'sharded'), padda.output());
});

/** Sets every key to prefix+key, 500 in flight at a time; every SET must have answered OK. */
async function setAll(client: Redis, keys: readonly string[], prefix: string): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    const pipeline = client.pipeline();
    for (const key of keys.slice(i, i + 500)) pipeline.set(key, `${prefix}${key}`);
    const results = (await pipeline.exec()) ?? [];
    assert.deepEqual(results.filter(([error]) => error !== null).slice(0, 3), [], 'every SET answered OK');
  }
}

test('10 000 keys written through nutcracker are all read back through padda, and 10 000 the other way', async () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `${randomBytes(6).toString('base64url')}:${i}`);
  const first = keys.slice(0, 10_000);
  const second = keys.slice(10_000);
  await setAll(viaNutcracker, first, 'n-');
  let misses = 0;
  const read = await viaPadda.mget(...first);
  read.forEach((value, i) => {
    if (value !== `n-${first[i]}`) misses++;
  });
  assert.equal(misses, 0, 'keys written by nutcracker not found through padda');

  await setAll(viaPadda, second, 'p-');
  const back = await Promise.all(second.map((key) => viaNutcracker.get(key)));
  assert.equal(back.filter((value, i) => value !== `p-${second[i]}`).length, 0, 'keys written by padda not found through nutcracker');

  // Every shard took a share: the test exercises the whole continuum.
  const sizes = await Promise.all(shards.map(async (s) => {
    const r = new Redis({ host: '127.0.0.1', port: s.port });
    const n = await r.dbsize();
    r.disconnect();
    return n;
  }));
  assert.ok(sizes.every((n) => n > 500), `shard sizes ${sizes}`);
});

test('PADDA_STATS_LISTEN serves twemproxy-format stats with nutcracker\'s pool and server fields', async () => {
  const [theirs, ours] = await Promise.all([readStats(statsPorts.nutcracker), readStats(statsPorts.padda)]);
  assert.equal(ours.service, 'nutcracker');
  for (const field of ['source', 'version', 'uptime', 'timestamp', 'total_connections', 'curr_connections']) assert.ok(field in ours, field);
  const poolFields = Object.keys(theirs.sharded).filter((k) => typeof theirs.sharded[k] !== 'object');
  assert.deepEqual(Object.keys(ours.sharded).filter((k) => typeof ours.sharded[k] !== 'object').sort(), poolFields.sort());
  // Servers are reported under twemproxy's names, here the names given in the file.
  const serverNames = Object.keys(theirs.sharded).filter((k) => typeof theirs.sharded[k] === 'object');
  assert.deepEqual(Object.keys(ours.sharded).filter((k) => typeof ours.sharded[k] === 'object').sort(), serverNames.sort());
  const theirServerFields = Object.keys(theirs.sharded[serverNames[0]!]);
  const ourServerFields = Object.keys(ours.sharded[serverNames[0]!]);
  // padda writes a turn's requests in that turn, so it has no queued-request count or out-queue bytes to report.
  assert.deepEqual(ourServerFields.sort(), theirServerFields.filter((f) => f !== 'in_queue' && f !== 'out_queue_bytes').sort());
  const responses = serverNames.reduce((sum, name) => sum + ours.sharded[name].responses, 0);
  assert.ok(responses >= 10_000, `padda counted ${responses} responses`);
});

test('client_err counts clients closed for bad input or by a reset, client_eof those that closed, as nutcracker counts them', async () => {
  const ports = { nutcracker: Number(/listen: 127\.0\.0\.1:(\d+)/.exec(nutcrackerYml)![1]), padda: viaPadda.options.port! };
  const before = await Promise.all([readStats(statsPorts.nutcracker), readStats(statsPorts.padda)]);
  await Promise.all(Object.values(ports).map(async (port) => {
    // padda answers Redis's protocol error before closing (nutcracker closes silently): read it, so the close is seen.
    const bad = net.connect(port, '127.0.0.1').resume();
    bad.on('error', () => {});
    bad.write('*1\r\n%4\r\nPING\r\n');
    await new Promise((resolve) => bad.on('close', resolve));
    const reset = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => reset.once('connect', resolve));
    reset.write('*1\r\n$4\r\nPING\r\n');
    await new Promise((resolve) => reset.once('data', resolve));
    reset.resetAndDestroy();
    const polite = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => polite.once('connect', resolve));
    polite.end();
    await new Promise((resolve) => polite.on('close', resolve));
  }));
  let after: Array<Record<string, any>> = [];
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    after = await Promise.all([readStats(statsPorts.nutcracker), readStats(statsPorts.padda)]);
    if (after.every((stats, i) => stats.sharded.client_err - before[i]!.sharded.client_err >= 2 && stats.sharded.client_eof > before[i]!.sharded.client_eof)) break;
  }
  const deltas = after.map((stats, i) => [stats.sharded.client_err - before[i]!.sharded.client_err, stats.sharded.client_eof - before[i]!.sharded.client_eof]);
  assert.deepEqual(deltas[1], deltas[0], `padda (client_err, client_eof) ${deltas[1]} vs nutcracker's ${deltas[0]}`);
  assert.deepEqual(deltas[0], [2, 1]);
});
