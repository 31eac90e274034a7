/**
 * The slow-command log of the redis and memcache modes against real
 * redis-server and memcached: a slow Lua script and servers held still with
 * SIGSTOP (a hung or paging host) make commands slow; the lines name the
 * server, command, key (shown or hashed) and time, and agree with Redis's
 * own SLOWLOG; fast commands, and a blocking command's wait on the
 * client's own connection, are not logged; the file follows logrotate.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startMemcached, startRedis, type RunningServer } from '../../support/servers.ts';

type Line = Record<string, unknown>;

let dir: string;
let redises: RunningServer[];
let memcacheds: RunningServer[];
let padda: PaddaProcess;
let port: { cache: number; hashed: number; mc: number; admin: number };
let client: Redis;
let direct: Redis[];

const file = (name: string) => path.join(dir, `${name}.log`);

function linesOf(name: string): Line[] {
  const text = fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : '';
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Line);
}

async function waitForLines(name: string, count: number): Promise<Line[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = linesOf(name);
    if (lines.length >= count) return lines;
    assert.ok(Date.now() < deadline, `${name}.log has ${lines.length} lines, waited for ${count}`);
    await sleep(20);
  }
}

/** Holds a server still (SIGSTOP) for `ms` while `work` runs, then lets it go on. */
async function stalled<T>(server: RunningServer, ms: number, work: () => Promise<T>): Promise<T> {
  process.kill(server.pid, 'SIGSTOP');
  const resume = sleep(ms).then(() => process.kill(server.pid, 'SIGCONT'));
  try {
    return await work();
  } finally {
    await resume;
  }
}

/** A Lua script that runs for at least `ms` on the server its key routes to. */
const BUSY = "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) >= tonumber(ARGV[1]) * 1000 return 1";

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-slow-'));
  redises = await Promise.all([0, 1].map(() => startRedis({ args: ['--slowlog-log-slower-than', '10000'] })));
  memcacheds = await Promise.all([0, 1].map(() => startMemcached()));
  const [cache, hashed, mc, admin] = (await freePorts(4)) as [number, number, number, number];
  port = { cache, hashed, mc, admin };
  const servers = (list: RunningServer[]) => list.map((s) => `\n      - 127.0.0.1:${s.port}:1`).join('');
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  cache:
    mode: redis
    listen: 127.0.0.1:${cache}
    servers:${servers(redises)}
    slow_log: { path: ${file('cache')}, threshold: 50ms }
  hashed:
    mode: redis
    listen: 127.0.0.1:${hashed}
    servers:${servers([redises[0]!])}
    slow_log: { path: ${file('hashed')}, threshold: 50ms, keys: hash }
  mc:
    mode: memcache
    listen: 127.0.0.1:${mc}
    servers:${servers(memcacheds)}
    slow_log: { path: ${file('mc')}, threshold: 50ms }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  client = new Redis({ host: '127.0.0.1', port: cache, maxRetriesPerRequest: 0, lazyConnect: true });
  await client.connect();
  direct = await Promise.all(redises.map(async (s) => {
    const r = new Redis({ host: '127.0.0.1', port: s.port, lazyConnect: true });
    await r.connect();
    return r;
  }));
});

after(async () => {
  client?.disconnect();
  for (const r of direct ?? []) r.disconnect();
  await padda?.stop();
  await Promise.all([...(redises ?? []), ...(memcacheds ?? [])].map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The index of the redis server that holds `key`. */
async function ownerOf(key: string): Promise<number> {
  const found = await Promise.all(direct.map((r) => r.exists(key)));
  return found.indexOf(1);
}

describe('redis', () => {
  test('a slow script: one line with server, command, key and time; Redis\'s own SLOWLOG agrees; fast commands are left out', async () => {
    await client.set('fast:key', 'v');
    assert.equal(await client.eval(BUSY, 1, 'slow:key', '120'), 1);
    await client.set('slow:key', 'v');
    const owner = await ownerOf('slow:key');
    const [line] = await waitForLines('cache', 1);
    await sleep(100);
    assert.equal(linesOf('cache').length, 1, 'the SETs were fast');
    assert.equal(line!.listener, 'cache');
    assert.equal(line!.command, 'eval');
    assert.equal(line!.key, 'slow:key');
    assert.equal(line!.server, `127.0.0.1:${redises[owner]!.port}:1`);
    assert.equal(line!.client, `127.0.0.1:${(client.stream as net.Socket).localPort}`);
    assert.equal(line!.id, 0);
    const [entry] = (await direct[owner]!.call('SLOWLOG', 'GET', '1')) as Array<[number, number, number, string[]]>;
    assert.equal(entry![3][0]!.toLowerCase(), 'eval');
    assert.ok(Number(line!.duration_us) >= entry![2], `padda's ${line!.duration_us} µs include Redis's ${entry![2]} µs of execution`);
    assert.ok(Math.abs(Date.parse(String(line!.time)) / 1000 - entry![1]) <= 1, 'the same moment');
  });

  test('an MGET split over both servers, one held still: the line names the slow one', async () => {
    // fnv1a_64 on ketama puts keys that differ in one last digit on one server: random ones spread.
    const candidates = Array.from({ length: 64 }, () => `split:${randomBytes(6).toString('hex')}`);
    await client.mset(...candidates.flatMap((k) => [k, k]));
    const owners = await Promise.all(candidates.map(ownerOf));
    const keys = [0, 1].flatMap((server) => candidates.filter((_, i) => owners[i] === server).slice(0, 3));
    assert.equal(keys.length, 6, `64 keys span both servers: ${owners}`);
    const before = linesOf('cache').length;
    const values = await stalled(redises[1]!, 200, () => client.mget(...keys));
    assert.deepEqual(values, keys);
    const line = (await waitForLines('cache', before + 1)).at(-1)!;
    assert.equal(line.command, 'mget');
    assert.equal(line.key, keys[0]);
    assert.equal(line.server, `127.0.0.1:${redises[1]!.port}:1`);
    assert.ok(Number(line.duration_us) >= 150_000);
  });

  test('a blocking command waits on the client\'s own connection: its wait is not the server\'s slowness', async () => {
    const before = linesOf('cache').length;
    assert.equal(await client.blpop('empty:list', 0.2), null);
    await client.set('after:block', 'v');
    await sleep(200);
    assert.equal(linesOf('cache').length, before);
  });

  test('keys: hash shows a digest instead of the key, the same for the same key', async () => {
    const hashed = new Redis({ host: '127.0.0.1', port: port.hashed, lazyConnect: true });
    await hashed.connect();
    try {
      await hashed.eval(BUSY, 1, 'secret:user:42', '80');
      await hashed.eval(BUSY, 1, 'secret:user:42', '80');
    } finally {
      hashed.disconnect();
    }
    const lines = await waitForLines('hashed', 2);
    assert.match(String(lines[0]!.key), /^sha256:[0-9a-f]{16}$/);
    assert.equal(lines[0]!.key, lines[1]!.key);
    assert.doesNotMatch(fs.readFileSync(file('hashed'), 'utf8'), /secret/);
  });
});

/** One memcache request on a fresh connection, resolving with the reply once `done` matches it. */
function memcache(text: string, done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port.mc, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      reply += chunk;
      if (done.test(reply)) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}

describe('memcache', () => {
  test('a get held up by a stopped memcached: the line names it, the key and the wait; a fast set is left out', async () => {
    assert.equal(await memcache('set mc:key 0 0 1\r\nx\r\n', /\r\n$/), 'STORED\r\n');
    // Which server holds it: the one that still answers the get when the other is stopped.
    let owner = -1;
    for (const [i, server] of memcacheds.entries()) {
      const other = memcacheds[1 - i]!;
      process.kill(other.pid, 'SIGSTOP');
      try {
        const reply = await Promise.race([memcache('get mc:key\r\n', /END\r\n$/), sleep(300).then(() => '')]);
        if (reply.includes('VALUE mc:key')) owner = memcacheds.indexOf(server);
      } finally {
        process.kill(other.pid, 'SIGCONT');
      }
      if (owner >= 0) break;
    }
    assert.ok(owner >= 0, 'found the server that holds mc:key');
    await sleep(100);
    const before = linesOf('mc').length;
    const reply = await stalled(memcacheds[owner]!, 200, () => memcache('get mc:key\r\n', /END\r\n$/));
    assert.equal(reply, 'VALUE mc:key 0 1\r\nx\r\nEND\r\n');
    const line = (await waitForLines('mc', before + 1)).at(-1)!;
    assert.equal(line.command, 'get');
    assert.equal(line.key, 'mc:key');
    assert.equal(line.server, `127.0.0.1:${memcacheds[owner]!.port}:1`);
    assert.ok(Number(line.duration_us) >= 150_000);
  });
});

test('the slow log follows logrotate: renamed, SIGUSR1, new lines in a new file', async () => {
  fs.renameSync(file('hashed'), `${file('hashed')}.1`);
  padda.signal('SIGUSR1');
  await sleep(300);
  const hashed = new Redis({ host: '127.0.0.1', port: port.hashed, lazyConnect: true });
  await hashed.connect();
  try {
    await hashed.eval(BUSY, 1, 'rotated', '80');
  } finally {
    hashed.disconnect();
  }
  assert.equal((await waitForLines('hashed', 1)).length, 1);
  assert.equal(fs.readFileSync(`${file('hashed')}.1`, 'utf8').split('\n').length - 1, 2);
});
