/**
 * A real nutcracker.yml memcache pool, run unchanged by padda: 10k keys set
 * through nutcracker are all read back through padda from the same file on
 * the same port, and keys set through padda are read back through
 * nutcracker. The shards listen on port 11211 of three loopback addresses,
 * where twemproxy names servers by host alone; a second pool mixes an
 * explicit server name and other ports.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TextClient } from '../../support/memcache-padda.ts';
import { startPadda, type PaddaProcess } from '../../support/padda.ts';
import { freeLoopbackHosts, freePorts } from '../../support/ports.ts';
import { LOOPBACK, startMemcached, startNutcracker, waitForPort, type RunningServer } from '../../support/servers.ts';

const KEYS = 10_000;

/** Keys of varied bytes and lengths, values that name their key. */
function keySet(tag: string): string[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: KEYS }, (_, i) => `${tag}${i}:${String.fromCharCode(...Array.from({ length: Math.floor(next() * 40) }, () => 33 + Math.floor(next() * 94)))}`);
}

/**
 * Sets every key, 500 in flight at a time: a proxy times a request from when
 * it is sent, so 10k at once would wait past a 400 ms timeout on a loaded
 * machine, and with failure_limit 1 a timeout ejects the server and places
 * the keys after it elsewhere.
 */
async function setAll(port: number, keys: readonly string[]): Promise<void> {
  const client = await TextClient.connect(port);
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const reply = await client.call(batch.map((k) => `set ${k} 0 0 ${k.length}\r\n${k}\r\n`).join(''), batch.length, 30_000);
    assert.equal(reply, 'STORED\r\n'.repeat(batch.length));
  }
  client.close();
}

/** Reads every key with pipelined 100-key multi-gets; returns the keys missing or wrong. */
async function missing(port: number, keys: readonly string[]): Promise<string[]> {
  const client = await TextClient.connect(port);
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += 100) batches.push(keys.slice(i, i + 100));
  client.write(batches.map((batch) => `get ${batch.join(' ')}\r\n`).join(''));
  const reply = await client.read((r) => (r.match(/^END\r$/gm) ?? []).length >= batches.length, 30_000);
  client.close();
  const found = new Set<string>();
  for (const m of reply.matchAll(/^VALUE (\S+) 0 \d+\r\n(.*)\r$/gm)) if (m[1] === m[2]) found.add(m[1]!);
  return keys.filter((k) => !found.has(k));
}

describe('a nutcracker.yml memcache pool, run unchanged by padda', () => {
  const started: Array<{ stop(): Promise<void> }> = [];
  after(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('reads back through padda every key nutcracker placed, and the other way round', async () => {
    const hosts = await freeLoopbackHosts(3, 11211);
    const named = await Promise.all([startMemcached(), startMemcached()]);
    const shards: RunningServer[] = [...(await Promise.all(hosts.map((host) => startMemcached({ host, port: 11211 })))), ...named];
    started.push(...shards);
    const [book, mixed] = await freePorts(2);
    // The book's ambassador config (ch. 6), and a pool with a server name and other ports.
    const yaml = [
      'memcache:',
      `  listen: 127.0.0.1:${book}`,
      '  hash: fnv1a_64',
      '  distribution: ketama',
      '  auto_eject_hosts: true',
      // The book says 400; the tests share a loaded machine, where a 400 ms stall would eject a shard.
      '  timeout: 4000',
      '  server_retry_timeout: 2000',
      '  server_failure_limit: 1',
      '  servers:',
      ...hosts.map((host) => `   - ${host}:11211:1`),
      'mixed:',
      `  listen: 127.0.0.1:${mixed}`,
      '  hash: md5',
      '  distribution: ketama',
      '  hash_tag: "{}"',
      '  servers:',
      `   - 127.0.0.1:${named[0]!.port}:2 cache-a`,
      `   - 127.0.0.1:${named[1]!.port}:1`,
      '',
    ].join('\n');

    const viaNutcracker = keySet('nc');
    const viaPadda = keySet('pd');
    const nutcracker = await startNutcracker(yaml);
    for (const port of [book!, mixed!]) await setAll(port, viaNutcracker);
    await nutcracker.stop();

    const [adminPort] = await freePorts(1);
    const padda: PaddaProcess = startPadda(yaml, [], { PADDA_ADMIN_LISTEN: `127.0.0.1:${adminPort}` });
    started.push(padda);
    for (const port of [book!, mixed!]) await waitForPort(LOOPBACK, port, Date.now() + 15_000);
    for (const port of [book!, mixed!]) {
      const lost = await missing(port, viaNutcracker);
      assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${KEYS} keys set through nutcracker missing through padda on ${port}`);
      await setAll(port, viaPadda);
    }
    await padda.stop();

    const again = await startNutcracker(yaml);
    started.push(again);
    for (const port of [book!, mixed!]) {
      const lost = await missing(port, viaPadda);
      assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${KEYS} keys set through padda missing through nutcracker on ${port}`);
    }
  });
});
