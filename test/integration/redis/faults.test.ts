import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function pool(options: { servers?: number; extra?: string; serverArgs?: string[] } = {}) {
  const shards = await Promise.all(Array.from({ length: options.servers ?? 3 }, () => startRedis({ args: options.serverArgs ?? [] })));
  const [port, admin] = (await freePorts(2)) as [number, number];
  const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  cache:
    mode: redis
    listen: 127.0.0.1:${port}
${options.extra ?? ''}
    servers:
${shards.map((s) => `      - 127.0.0.1:${s.port}:1`).join('\n')}
`);
  cleanup.push(() => padda.stop(), ...shards.map((s) => () => s.stop()));
  await waitForStatus(`http://127.0.0.1:${admin}/healthz`);
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  await client.connect();
  cleanup.push(() => client.disconnect());
  return { shards, port, admin, padda, client };
}

/** A raw connection: what arrives, and whether the server closed it. */
function raw(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  return {
    socket,
    closed,
    received: () => received,
    async until(predicate: (text: string) => boolean, ms = 3000) {
      const deadline = Date.now() + ms;
      while (!predicate(received) && Date.now() < deadline) await sleep(10);
      return received;
    },
  };
}

describe('server faults', () => {
  test('a slow server: the waiting request fails with "timed out", the connection is reset, others keep working', async () => {
    const { client, shards, port } = await pool({ extra: '    timeout: 300', serverArgs: ['--enable-debug-command', 'local'] });
    const key = randomBytes(4).toString('hex');
    await client.set(key, 'v');
    const direct = shards.map((s) => new Redis({ host: '127.0.0.1', port: s.port }));
    const slowShard = (await Promise.all(direct.map((r) => r.exists(key)))).indexOf(1);
    for (const r of direct) r.disconnect();
    const slow = new Redis({ host: '127.0.0.1', port: shards[slowShard]!.port });
    cleanup.push(() => slow.disconnect());
    // DEBUG SLEEP stalls the whole redis-server, as a stuck shard would.
    void slow.call('DEBUG', 'SLEEP', '1').catch(() => {});
    await sleep(50);
    const started = Date.now();
    await assert.rejects(client.get(key), /ERR Connection timed out \(.*timed out after 300 ms\)/);
    assert.ok(Date.now() - started < 900, 'timeout took too long');
    await sleep(1100);
    assert.equal(await client.get(key), 'v');
    const other = new Redis({ host: '127.0.0.1', port });
    cleanup.push(() => other.disconnect());
    assert.equal(await other.ping(), 'PONG');
  });

  test('auto_eject_hosts: a dead server is ejected after server_failure_limit failures and its keys remap; it returns after server_retry_timeout', async () => {
    const { client, shards, admin } = await pool({ extra: '    auto_eject_hosts: true\n    server_failure_limit: 1\n    server_retry_timeout: 1500\n    timeout: 500' });
    const keys = Array.from({ length: 60 }, () => randomBytes(5).toString('hex'));
    for (const key of keys) await client.set(key, 'before');
    await shards[1]!.stop();
    // The first request to the dead server fails (and ejects it); afterwards every key is served.
    const outcomes = await Promise.allSettled(keys.map((key) => client.set(key, 'after')));
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    assert.ok(failed >= 1 && failed < 30, `${failed} failures`);
    for (const key of keys) assert.equal(await client.set(key, 'again'), 'OK');
    const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
    assert.match(metrics, new RegExp(`padda_server_ejected\\{listener="cache",server="127\\.0\\.0\\.1:${shards[1]!.port}:1"\\} 1`));
    const ready = await get(`http://127.0.0.1:${admin}/ready`);
    assert.equal(ready.status, 200, 'two live servers can serve');
  });

  test('every server down: each command gets an error, the listener stays up, and recovers when servers return', async () => {
    const { client, shards, admin, port } = await pool({ servers: 2, extra: '    auto_eject_hosts: true\n    server_failure_limit: 1\n    server_retry_timeout: 500' });
    await Promise.all(shards.map((s) => s.stop()));
    for (let i = 0; i < 5; i++) await assert.rejects(client.set(`k${i}`, 'v'), /^ReplyError: ERR /);
    assert.equal((await get(`http://127.0.0.1:${admin}/ready`)).status, 503);
    const fresh = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
    cleanup.push(() => fresh.disconnect());
    assert.equal(await fresh.ping(), 'PONG');
    const restarted = await Promise.all(shards.map((s) => startRedis({ port: s.port })));
    cleanup.push(...restarted.map((s) => () => s.stop()));
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 5000);
    assert.equal(await client.set('back', 'ok'), 'OK');
  });

  test('MGET with one of its servers down answers one error for the command, as twemproxy does; mget_errors: key puts it in those keys\' places', async () => {
    for (const mode of ['command', 'key']) {
      const { client, shards, port } = await pool({ servers: 2, extra: mode === 'key' ? '    mget_errors: key' : '' });
      // Keys that differ in their first bytes: fnv1a_64 barely mixes a differing last byte.
      const keys = Array.from({ length: 20 }, (_, i) => `${i}-mget`);
      for (const key of keys) await client.set(key, `v-${key}`);
      const onFirst = new Redis({ host: '127.0.0.1', port: shards[0]!.port });
      const down = await Promise.all(keys.map(async (key) => (await onFirst.exists(key)) === 1));
      onFirst.disconnect();
      assert.ok(down.includes(true) && down.includes(false), 'keys on both servers');
      await shards[0]!.stop();
      const reader = raw(port);
      reader.socket.write(`*${keys.length + 1}\r\n$4\r\nMGET\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`);
      const error = /^-ERR Connection refused \(127\.0\.0\.1:\d+:1: ECONNREFUSED\)\r\n/;
      if (mode === 'command') {
        await reader.until((text) => text.endsWith('\r\n'));
        assert.match(reader.received(), new RegExp(`${error.source}$`));
      } else {
        await reader.until((text) => text.split('\r\n').length > 2 * keys.length);
        const expected = keys.map((key, i) => (down[i] ? null : `$${`v-${key}`.length}\r\nv-${key}\r\n`));
        const elements = reader.received().slice(`*${keys.length}\r\n`.length).split(/(?<=\r\n)(?=[-$])/);
        assert.equal(elements.length, keys.length, reader.received());
        elements.forEach((element, i) => (expected[i] === null ? assert.match(element, error) : assert.equal(element, expected[i])));
      }
      reader.socket.destroy();
    }
  });

  test('a server dying mid-reply fails only the requests that were on it', async () => {
    // 320 MB of replies in flight to one client: lift the output limit that would otherwise cut it off.
    // The survivor's 160 MB take seconds on a loaded machine: its timeout must not be what fails them.
    const { client, shards } = await pool({ servers: 2, extra: '    timeout: 60000\n    client_output_limit: 0' });
    const big = 'x'.repeat(8 * 1024 * 1024);
    const keys = Array.from({ length: 40 }, () => randomBytes(5).toString('hex'));
    for (const key of keys) await client.set(key, big);
    const victim = new Redis({ host: '127.0.0.1', port: shards[0]!.port });
    const holders = await Promise.all(keys.map(async (key) => (await victim.exists(key)) === 1));
    victim.disconnect();
    const onVictim = keys.filter((_, i) => holders[i]);
    const onSurvivor = keys.filter((_, i) => !holders[i]);
    assert.ok(onVictim.length > 0 && onSurvivor.length > 0);
    const reads = keys.map((key) => client.get(key));
    await sleep(5);
    process.kill(shards[0]!.pid, 'SIGKILL');
    const results = await Promise.allSettled(reads);
    keys.forEach((key, i) => {
      if (!holders[i]) assert.equal((results[i] as PromiseFulfilledResult<string>).value?.length, big.length, `survivor key ${key} failed: ${String((results[i] as PromiseRejectedResult).reason)}`);
    });
    assert.ok(results.some((r) => r.status === 'rejected'), 'no request failed although its server died');
  });
});

describe('bad client input', () => {
  test('a wrong type byte gets Redis\'s protocol error and closes only that client', async () => {
    const { port, client } = await pool({ servers: 1 });
    const bad = raw(port);
    bad.socket.write('*1\r\n$4\r\nPING\r\n*1\r\n%4\r\nPING\r\n');
    await bad.closed;
    assert.equal(bad.received(), "+PONG\r\n-ERR Protocol error: expected '$', got '%'\r\n");
    assert.equal(await client.ping(), 'PONG');
  });

  test('negative and absurd lengths (> 512 MB bulk) are refused', async () => {
    const { port, client } = await pool({ servers: 1 });
    for (const [input, reply] of [
      ['*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
      ['*1\r\n$536870913\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
      ['*-2x\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
      ['*99999999999999999999\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ]) {
      const bad = raw(port);
      bad.socket.write(input!);
      await bad.closed;
      assert.equal(bad.received(), reply, JSON.stringify(input));
    }
    assert.equal(await client.ping(), 'PONG');
  });

  test('a missing CRLF, or a half-sent command then silence, holds only that client', async () => {
    const { port, client } = await pool({ servers: 1 });
    const half = raw(port);
    half.socket.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nonly-part');
    const noCrlf = raw(port);
    noCrlf.socket.write('PING no line end');
    await sleep(200);
    assert.equal(half.received(), '');
    assert.equal(noCrlf.received(), '');
    assert.equal(await client.set('k', 'v'), 'OK');
    half.socket.destroy();
    noCrlf.socket.destroy();
  });

  test('a 1M-argument command is scanned and forwarded (or refused by the server), never crashing padda', async () => {
    const { port, client } = await pool({ servers: 1 });
    const count = 1_000_000;
    const parts = [`*${count + 1}\r\n$4\r\nSADD\r\n$3\r\nbig\r\n`];
    for (let i = 1; i < count; i++) parts.push(`$${String(i).length}\r\n${i}\r\n`);
    const conn = raw(port);
    conn.socket.write(parts.join(''));
    const answer = await conn.until((text) => text.endsWith('\r\n'), 20_000);
    assert.equal(answer, `:${count - 1}\r\n`);
    conn.socket.destroy();
    assert.equal(await client.scard('big'), count - 1);
  });

  test('a client that vanishes with 1000 pipelined commands in flight harms nobody', async () => {
    const { port, client } = await pool();
    for (let round = 0; round < 5; round++) {
      const doomed = raw(port);
      let pipeline = '';
      for (let i = 0; i < 1000; i++) pipeline += `*2\r\n$3\r\nGET\r\n$${String(i).length + 1}\r\nk${i}\r\n`;
      doomed.socket.write(pipeline);
      doomed.socket.destroy();
    }
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => client.set(`after${i}`, String(i))));
    assert.ok(results.every((r) => r === 'OK'));
  });
});

describe('memory bounds', () => {
  test('a client that pipelines GETs of 1 MB values and never reads is cut off at client_output_limit; RSS stays flat; others unaffected', async () => {
    // 4 MiB soft, so a 16 MiB hard limit: a loaded machine's shards send 1 MB replies slowly, and the cut needs fewer of them.
    const { port, client, admin } = await pool({ servers: 2, extra: '    client_output_limit: 4mb' });
    const value = 'v'.repeat(1024 * 1024);
    const keys = Array.from({ length: 8 }, () => randomBytes(5).toString('hex'));
    for (const key of keys) await client.set(key, value);
    const rss = async () => Number(/process_resident_memory_bytes\{process="main"\} (\d+)/.exec((await get(`http://127.0.0.1:${admin}/metrics`)).body)![1]);
    const before = await rss();
    const greedy = raw(port);
    greedy.socket.pause();
    let pipeline = '';
    for (let i = 0; i < 2000; i++) {
      const key = keys[i % keys.length]!;
      pipeline += `*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`;
    }
    greedy.socket.write(pipeline);
    // The greedy socket is paused, so it would not see its close: the metric says when padda cut it.
    const cut = /padda_listener_errors_total\{listener="cache",mode="redis",reason="client_output_limit"\} 1/;
    let rssAtCut = before;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) {
      rssAtCut = Math.max(rssAtCut, await rss());
      if (cut.test((await get(`http://127.0.0.1:${admin}/metrics`)).body)) break;
    }
    const during = Math.max(rssAtCut, await rss());
    assert.ok(during - before < 200 * 1024 * 1024, `RSS grew by ${(during - before) / 1048576} MiB`);
    assert.equal(await client.get(keys[0]!).then((v) => v?.length), value.length);
    assert.match((await get(`http://127.0.0.1:${admin}/metrics`)).body, cut);
    greedy.socket.destroy();
  });
});
