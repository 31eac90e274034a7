/**
 * client_output_limit is Redis's client-output-buffer-limit: a soft limit a
 * client may pass while it drains a large reply (cut only if it stays past
 * it for client_output_limit_time) and a hard limit it may not pass at all
 * (four times the soft one by default; none for a nutcracker.yml, whose
 * twemproxy cuts no client).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

const running: Array<{ stop(): Promise<void> }> = [];
after(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

async function shards(count: number): Promise<RunningServer[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startRedis()));
  running.push(...started);
  return started;
}

/** A padda config (listener `cache`) or a nutcracker.yml (pool `cache`) over `servers`, with `extra` pool keys. */
async function proxy(servers: RunningServer[], extra: string[], nutcrackerYml: boolean): Promise<{ port: number; admin: number; padda: PaddaProcess }> {
  const [port, admin] = (await freePorts(2)) as [number, number];
  const pool = [`listen: 127.0.0.1:${port}`, 'redis: true', ...extra, 'servers:', ...servers.map((s) => `  - 127.0.0.1:${s.port}:1`)];
  const text = nutcrackerYml
    ? `cache:\n${pool.map((line) => `  ${line}`).join('\n')}\n`
    : `admin: { listen: 127.0.0.1:${admin} }\nlisteners:\n  cache:\n    mode: redis\n${pool.map((line) => `    ${line}`).join('\n')}\n`;
  const padda = startPadda(text, [], nutcrackerYml ? { PADDA_ADMIN_LISTEN: `127.0.0.1:${admin}` } : {});
  running.push(padda);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  return { port, admin, padda };
}

/** Writes a pipeline of GETs of `key` and never reads: resolves with the log line padda wrote when it cut the client. */
async function greedyClient(port: number, key: string, padda: PaddaProcess): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.pause();
  socket.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`.repeat(200));
  try {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(50)) {
      const cut = padda.logs().find((line) => typeof line.msg === 'string' && line.msg.startsWith('client closed: its unread replies passed'));
      if (cut) return String(cut.msg);
    }
    return 'not cut';
  } finally {
    socket.destroy();
  }
}

test('a reading client gets an MGET of five 16 MiB values whole under the default limits', async () => {
  const servers = await shards(2);
  const { port } = await proxy(servers, [], false);
  const client = new Redis({ host: '127.0.0.1', port });
  try {
    const value = 'm'.repeat(16 * 1024 * 1024);
    const keys = Array.from({ length: 5 }, (_, i) => `big:${i}`);
    for (const key of keys) await client.set(key, value);
    const values = await client.mget(...keys);
    assert.deepEqual(values.map((v) => v?.length), keys.map(() => value.length));
  } finally {
    client.disconnect();
  }
});

test('past the hard limit (four times client_output_limit) a client that does not read is cut at once', async () => {
  const servers = await shards(1);
  const { port, padda } = await proxy(servers, ['client_output_limit: 1mb', 'client_output_limit_time: 60s'], false);
  const client = new Redis({ host: '127.0.0.1', port });
  await client.set('v', 'v'.repeat(512 * 1024));
  client.disconnect();
  assert.equal(await greedyClient(port, 'v', padda), 'client closed: its unread replies passed client_output_hard_limit');
});

test('a nutcracker.yml gets no hard cut: a client that does not read is cut after client_output_limit_time past the soft limit', async () => {
  const servers = await shards(1);
  const { port, admin, padda } = await proxy(servers, ['client_output_limit: 1mb', 'client_output_limit_time: 1s'], true);
  const client = new Redis({ host: '127.0.0.1', port });
  await client.set('v', 'v'.repeat(512 * 1024));
  client.disconnect();
  assert.equal(await greedyClient(port, 'v', padda), 'client closed: its unread replies passed client_output_limit for 1000 ms');
  const config = JSON.parse((await get(`http://127.0.0.1:${admin}/config`)).body);
  assert.equal(config.listeners.cache.client_output_hard_limit, 0);
});
