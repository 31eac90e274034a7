/**
 * Faults, with real memcached shards where a real one can show them: a
 * stopped (SIGSTOP) shard times out, a killed one is ejected and its keys
 * remap until it is retried, every shard down leaves the listener up and
 * answering errors. A server dying mid-reply and a malformed reply need a
 * scripted server, since a real memcached cannot be stopped at an exact byte.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { shardEntries, startMemcachePadda, startShards, TextClient, type MemcachePadda } from '../../support/memcache-padda.ts';
import { get } from '../../support/padda.ts';
import { LOOPBACK, startMemcached, type RunningServer } from '../../support/servers.ts';

const stoppers: Array<{ stop(): Promise<void> }> = [];
after(async () => {
  await Promise.all(stoppers.map((s) => s.stop()));
});

async function started<T extends { stop(): Promise<void> }>(thing: Promise<T>): Promise<T> {
  const value = await thing;
  stoppers.push(value);
  return value;
}

/** Sets keys through padda and finds which shard holds each: key → shard index. */
async function placeKeys(proxy: MemcachePadda, shards: readonly RunningServer[], count = 30): Promise<Map<string, number>> {
  const keys = Array.from({ length: count }, (_, i) => `${i}:f`);
  const client = await TextClient.connect(proxy.port);
  await client.call(keys.map((k) => `set ${k} 0 0 1\r\nv\r\n`).join(''), count);
  client.close();
  const owners = new Map<string, number>();
  for (const [index, shard] of shards.entries()) {
    const direct = await TextClient.connect(shard.port, shard.host);
    const reply = await direct.call(`get ${keys.join(' ')}\r\n`, 1);
    const all = reply.endsWith('END\r\n') ? reply : reply + (await direct.read((r) => r.endsWith('END\r\n')));
    direct.close();
    for (const m of all.matchAll(/^VALUE (\S+) /gm)) owners.set(m[1]!, index);
  }
  return owners;
}

function keyOn(owners: Map<string, number>, shard: number): string {
  const key = [...owners].find(([, index]) => index === shard)?.[0];
  assert.ok(key, `no key landed on shard ${shard}`);
  return key;
}

describe('memcache mode faults', () => {
  it('a stalled shard times out only the requests it owes, in their place in the order', async () => {
    const shards = await Promise.all([0, 1, 2].map(() => started(startMemcached())));
    const proxy = await started(startMemcachePadda(shardEntries(shards), ['timeout: 300']));
    const owners = await placeKeys(proxy, shards);
    const [slow, fast] = [keyOn(owners, 0), keyOn(owners, 1)];
    process.kill(shards[0]!.pid, 'SIGSTOP');
    try {
      const client = await TextClient.connect(proxy.port);
      const began = Date.now();
      const reply = await client.call(`get ${slow}\r\nget ${fast}\r\nget ${fast} ${slow}\r\n`, 4);
      assert.match(reply, new RegExp(`^SERVER_ERROR Connection timed out \\([^\\r]*timed out after 300 ms\\)\\r\\nVALUE ${fast} 0 1\\r\\nv\\r\\nEND\\r\\nSERVER_ERROR Connection timed out \\([^\\r]*timed out after 300 ms\\)\\r\\n$`));
      assert.ok(Date.now() - began < 2_000, 'the timeout, not the test, ended the wait');
      client.close();
    } finally {
      process.kill(shards[0]!.pid, 'SIGCONT');
    }
    const client = await TextClient.connect(proxy.port);
    assert.equal(await client.call(`get ${slow}\r\n`, 3), `VALUE ${slow} 0 1\r\nv\r\nEND\r\n`, 'the shard serves again once it runs');
    client.close();
  });

  it('ejects a dead shard, remaps its keys, and takes it back after server_retry_timeout', async () => {
    const shards = await Promise.all([0, 1, 2].map(() => started(startMemcached())));
    const extra = ['auto_eject_hosts: true', 'server_failure_limit: 1', 'server_retry_timeout: 1000', 'timeout: 300'];
    const proxy = await started(startMemcachePadda(shardEntries(shards), extra));
    const owners = await placeKeys(proxy, shards);
    const key = keyOn(owners, 2);
    const port = shards[2]!.port;
    await shards[2]!.stop();

    const client = await TextClient.connect(proxy.port);
    assert.match(await client.call(`get ${key}\r\n`), /^SERVER_ERROR Connection refused \([^\r]*ECONNREFUSED\)\r\n$/);
    assert.equal(await client.call(`set ${key} 0 0 2\r\nre\r\nget ${key}\r\n`, 4), `STORED\r\nVALUE ${key} 0 2\r\nre\r\nEND\r\n`, 'the key now lives on a live shard');
    assert.equal((await get(`http://127.0.0.1:${proxy.adminPort}/ready`)).status, 200, 'ready while some shard is live');
    const { body } = await get(`http://127.0.0.1:${proxy.adminPort}/metrics`);
    assert.match(body, new RegExp(`padda_server_ejected\\{listener="cache",server="127\\.0\\.0\\.1:${port}:1"\\} 1`));

    const back = await started(startMemcached({ port }));
    await sleep(1_200);
    assert.equal(await client.call(`set ${key} 0 0 4\r\nback\r\n`), 'STORED\r\n');
    const direct = await TextClient.connect(back.port);
    assert.equal(await direct.call(`get ${key}\r\n`, 3), `VALUE ${key} 0 4\r\nback\r\nEND\r\n`, 'the retried shard owns its keys again');
    direct.close();
    client.close();
  });

  it('with every shard down the listener stays up and answers SERVER_ERROR', async () => {
    const shards = await startShards(2);
    const extra = ['auto_eject_hosts: true', 'server_failure_limit: 1', 'server_retry_timeout: 60000', 'timeout: 300'];
    const proxy = await started(startMemcachePadda(shardEntries(shards), extra));
    await Promise.all(shards.map((s) => s.stop()));
    const client = await TextClient.connect(proxy.port);
    // Each shard fails once and is ejected; a multi-get touches both.
    assert.match(await client.call(`get ${Array.from({ length: 20 }, (_, i) => `${i}:d`).join(' ')}\r\n`), /^SERVER_ERROR Connection refused \([^\r]*ECONNREFUSED\)\r\n$/);
    assert.equal(await client.call('get 1:d\r\nset 2:d 0 0 1\r\nx\r\nmg 3:d v q\r\nmn\r\nversion\r\n', 5),
      'SERVER_ERROR Connection refused (no server available: every server of this pool is ejected)\r\n'.repeat(3) + 'MN\r\nVERSION 1.6.18\r\n');
    const ready = await get(`http://127.0.0.1:${proxy.adminPort}/ready`);
    assert.equal(ready.status, 503);
    assert.match(ready.body, /every server is ejected/);
    const another = await TextClient.connect(proxy.port);
    assert.equal(await another.call('version\r\n'), 'VERSION 1.6.18\r\n', 'new clients are still accepted');
    another.close();
    client.close();
  });

  it('a server dying mid-reply fails the requests on it, and the next request reconnects', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      const first = ++connections === 1;
      socket.on('data', () => {
        if (first) socket.end('VALUE k 0 10\r\nabc');
        else socket.write('END\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    stoppers.push({ stop: () => new Promise((resolve) => server.close(() => resolve())) });
    const proxy = await started(startMemcachePadda([`${LOOPBACK}:${(server.address() as net.AddressInfo).port}:1`], ['timeout: 1000']));
    const client = await TextClient.connect(proxy.port);
    assert.match(await client.call('get k\r\nget j\r\n', 2), /^SERVER_ERROR unknown \([^\r]*closed by server\)\r\nSERVER_ERROR unknown \([^\r]*closed by server\)\r\n$/);
    assert.equal(await client.call('get k\r\n'), 'END\r\n');
    client.close();
  });

  it('a malformed reply resets that server connection with a protocol error', async () => {
    const server = net.createServer((socket) => socket.on('data', () => socket.write('VALUE k 0 nan\r\n')));
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    stoppers.push({ stop: () => new Promise((resolve) => server.close(() => resolve())) });
    const proxy = await started(startMemcachePadda([`${LOOPBACK}:${(server.address() as net.AddressInfo).port}:1`]));
    const client = await TextClient.connect(proxy.port);
    assert.match(await client.call('get k\r\n'), /^SERVER_ERROR Invalid argument \([^\r]*protocol error[^\r]*\)\r\n$/);
    client.close();
  });

  it('bad input closes only the client that sent it', async () => {
    const shards = await Promise.all([0, 1].map(() => started(startMemcached())));
    const proxy = await started(startMemcachePadda(shardEntries(shards)));
    const good = await TextClient.connect(proxy.port);
    const bad = await TextClient.connect(proxy.port);
    bad.write('x'.repeat(4096));
    good.write('set 1:g 0 0 1\r\n');
    await bad.read(() => bad.closed);
    assert.ok(bad.closed);
    assert.equal(await good.call('a\r\nget 1:g\r\n', 4), 'STORED\r\nVALUE 1:g 0 1\r\na\r\nEND\r\n');
    good.close();
    // A close for bad input is a protocol error: twemproxy's stats count it under client_err.
    assert.match((await get(`http://127.0.0.1:${proxy.adminPort}/metrics`)).body, /padda_listener_errors_total\{listener="[^"]+",mode="memcache",reason="protocol"\} 1/);
  });

  it('a client that never reads its replies is paused, then dropped at client_output_limit; others carry on', async () => {
    const shards = await Promise.all([0, 1].map(() => started(startMemcached())));
    const proxy = await started(startMemcachePadda(shardEntries(shards), ['client_output_limit: 4mb']));
    const value = 'x'.repeat(500_000);
    const good = await TextClient.connect(proxy.port);
    assert.equal(await good.call(`set 1:big 0 0 ${value.length}\r\n${value}\r\n`), 'STORED\r\n');
    // A paused socket reads nothing, so the close padda sends shows in padda's metrics, not here.
    const greedy = net.connect(proxy.port, LOOPBACK);
    greedy.on('error', () => {});
    greedy.pause();
    await new Promise<void>((resolve) => greedy.once('connect', () => resolve()));
    greedy.write('get 1:big\r\n'.repeat(2_000));
    const metrics = () => get(`http://127.0.0.1:${proxy.adminPort}/metrics`).then((r) => r.body);
    const deadline = Date.now() + 10_000;
    while (!/reason="client_output_limit"\} 1/.test(await metrics())) {
      assert.ok(Date.now() < deadline, 'padda dropped the client that does not read');
      await sleep(100);
    }
    assert.equal(await good.call('get 1:big\r\n', 3, 20_000), `VALUE 1:big 0 ${value.length}\r\n${value}\r\nEND\r\n`);
    const rss = Number(/process_resident_memory_bytes\{[^}]*\} (\d+)/.exec(await metrics())?.[1]);
    assert.ok(rss < 300 * 1024 * 1024, `padda's RSS stayed bounded: ${rss}`);
    greedy.destroy();
    good.close();
  });
});
