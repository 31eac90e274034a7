/**
 * The memcache mode over three real memcached shards, through raw sockets:
 * every command family, multi-gets split over shards and merged, quiet meta
 * pipelines, broadcasts, local answers, and keys really spread over shards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/padda.ts';
import { shardEntries, startMemcachePadda, startShards, TextClient, type MemcachePadda } from '../../support/memcache-padda.ts';
import type { RunningServer } from '../../support/servers.ts';

describe('memcache mode over three memcached shards', () => {
  let shards: RunningServer[] = [];
  let proxy: MemcachePadda;
  let client: TextClient;

  before(async () => {
    shards = await startShards(3);
    proxy = await startMemcachePadda(shardEntries(shards), ['timeout: 2000']);
    client = await TextClient.connect(proxy.port);
  });
  after(async () => {
    client?.close();
    await proxy?.stop();
    await Promise.all(shards.map((s) => s.stop()));
  });

  it('spreads keys over every shard and reads them back with one multi-get', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `${i}:spread`);
    const sets = await client.call(keys.map((k, i) => `set ${k} ${i} 0 ${String(i).length}\r\n${i}\r\n`).join(''), keys.length);
    assert.equal(sets, 'STORED\r\n'.repeat(keys.length));
    const perShard = await Promise.all(shards.map(async (shard) => {
      const direct = await TextClient.connect(shard.port);
      const reply = await direct.call(`get ${keys.join(' ')}\r\n`, 1);
      const all = reply.endsWith('END\r\n') ? reply : reply + (await direct.read((r) => r.endsWith('END\r\n')));
      direct.close();
      return (all.match(/^VALUE /gm) ?? []).length;
    }));
    assert.ok(perShard.every((n) => n > 0), `keys per shard: ${perShard}`);
    assert.equal(perShard.reduce((a, b) => a + b), keys.length);

    client.write(`get ${keys.join(' ')} missing:spread ${keys[3]}\r\n`);
    const reply = await client.read((r) => r.endsWith('END\r\n'));
    const expected = [...keys, keys[3]!].map((k) => {
      const i = Number(k.split(":")[0]);
      return `VALUE ${k} ${i} ${String(i).length}\r\n${i}\r\n`;
    }).join('') + 'END\r\n';
    assert.equal(reply, expected);
  });

  it('stores binary-safe data blocks and serves every classic command', async () => {
    const data = Buffer.from([0, 13, 10, 255, 32, 69, 78, 68, 13, 10]);
    client.write(Buffer.concat([Buffer.from(`set bin 7 0 ${data.length}\r\n`), data, Buffer.from('\r\n')]));
    assert.equal(await client.read((r) => r.includes('\r\n')), 'STORED\r\n');
    client.write('get bin\r\n');
    assert.equal(await client.read((r) => r.endsWith('END\r\n') && r.length >= 30), `VALUE bin 7 ${data.length}\r\n${data.toString('latin1')}\r\nEND\r\n`);

    const script = [
      ['add c1 0 0 1\r\n1\r\n', 'STORED'],
      ['add c1 0 0 1\r\n1\r\n', 'NOT_STORED'],
      ['replace c1 0 0 2\r\n10\r\n', 'STORED'],
      ['replace nope 0 0 1\r\n1\r\n', 'NOT_STORED'],
      ['append c1 0 0 1\r\n0\r\n', 'STORED'],
      ['prepend c1 0 0 1\r\n1\r\n', 'STORED'],
      ['incr c1 5\r\n', '1105'],
      ['decr c1 1000\r\n', '105'],
      ['incr nope 1\r\n', 'NOT_FOUND'],
      ['touch c1 100\r\n', 'TOUCHED'],
      ['touch nope 100\r\n', 'NOT_FOUND'],
      ['delete c1\r\n', 'DELETED'],
      ['delete c1\r\n', 'NOT_FOUND'],
      ['set t 0 0 1 noreply\r\na\r\nappend t 0 0 1 noreply\r\nb\r\nincr nope 1 noreply\r\ndelete nope noreply\r\nget t\r\n', 'VALUE t 0 2\r\nab\r\nEND'],
    ] as const;
    for (const [request, reply] of script) {
      assert.equal(await client.call(request, reply.split('\r\n').length), `${reply}\r\n`, request);
    }
  });

  it('gets and cas: the unique comes from the shard holding the key', async () => {
    await client.call('set cas1 0 0 1\r\na\r\n');
    const gets = await client.call('gets cas1\r\n', 3);
    const unique = /^VALUE cas1 0 1 (\d+)\r\n/.exec(gets)![1];
    assert.equal(await client.call(`cas cas1 0 0 1 ${unique}\r\nb\r\n`), 'STORED\r\n');
    assert.equal(await client.call(`cas cas1 0 0 1 ${unique}\r\nc\r\n`), 'EXISTS\r\n');
    assert.equal(await client.call('cas nope 0 0 1 1\r\nc\r\n'), 'NOT_FOUND\r\n');
    const gats = await client.call('gats 100 cas1 1:spread 2:spread\r\n', 7);
    assert.match(gats, /^VALUE cas1 0 1 \d+\r\nb\r\nVALUE 1:spread 1 1 \d+\r\n1\r\nVALUE 2:spread 2 1 \d+\r\n2\r\nEND\r\n$/);
    assert.equal(await client.call('gat 100 cas1 nope\r\n', 3), 'VALUE cas1 0 1\r\nb\r\nEND\r\n');
  });

  it('meta commands keep their flags and opaque tokens; base64 keys route by their decoded bytes', async () => {
    assert.equal(await client.call('ms m1 2 T0 F5 Oabc\r\nhi\r\n'), 'HD Oabc\r\n');
    assert.equal(await client.call('mg m1 v f k Oxyz\r\n', 2), 'VA 2 f5 km1 Oxyz\r\nhi\r\n');
    assert.equal(await client.call('ma nope O1\r\n'), 'NF O1\r\n');
    assert.equal(await client.call('ms n1 1\r\n5\r\nma n1 D10 v\r\n', 3), 'HD\r\nVA 2\r\n15\r\n');
    assert.equal(await client.call('md m1 q O7\r\nmn\r\n'), 'MN\r\n');
    assert.equal(await client.call('mg m1 v\r\n'), 'EN\r\n');
    // "bTE=" is base64 for "m1": set through the plain key, read through the encoded one.
    await client.call('ms m1 2\r\nb6\r\n');
    assert.equal(await client.call('mg bTE= b v k\r\n', 2), 'VA 2 km1\r\nb6\r\n');
    assert.match(await client.call('me m1\r\n'), /^ME m1 exp=-1 la=\d+ cas=\d+ fetch=yes cls=1 size=\d+\r\n$/);
  });

  it('quiet pipelines over several shards answer exactly as one memcached', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `${i}:q`);
    // Store every other key quietly; HD is suppressed, so only MN comes back.
    const stores = keys.filter((_, i) => i % 2 === 0).map((k) => `ms ${k} 1 q\r\nv\r\n`).join('');
    assert.equal(await client.call(`${stores}mn\r\n`), 'MN\r\n');
    // Quiet gets: hits come back in request order, misses are silent.
    const gets = keys.map((k) => `mg ${k} v k q\r\n`).join('');
    const reply = await client.call(`${gets}mn\r\n`, 1 + 2 * 15);
    const expected = keys.filter((_, i) => i % 2 === 0).map((k) => `VA 1 k${k}\r\nv\r\n`).join('') + 'MN\r\n';
    assert.equal(reply, expected);
    // Quiet failures are not hidden: NS from add mode, NF from md, EX from a bad cas.
    const failures = await client.call(`ms 0:q 1 q ME O1\r\nx\r\nmd 1:q q O2\r\nms 2:q 1 q C1 O3\r\nx\r\nmd 4:q q\r\nmn\r\nmg 4:q v\r\n`, 5);
    assert.equal(failures, 'NS O1\r\nNF O2\r\nEX O3\r\nMN\r\nEN\r\n');
  });

  it('broadcasts flush_all and verbosity; answers version and quit itself', async () => {
    assert.equal(await client.call('verbosity 0\r\n'), 'OK\r\n');
    assert.equal(await client.call('flush_all\r\n'), 'OK\r\n');
    assert.equal(await client.call(`get ${Array.from({ length: 20 }, (_, i) => `${i}:spread`).join(' ')}\r\n`), 'END\r\n');
    assert.equal(await client.call('version\r\n'), 'VERSION 1.6.18\r\n');
    const other = await TextClient.connect(proxy.port);
    assert.equal(await other.call('set z 0 0 1\r\nz\r\nquit\r\nget z\r\n'), 'STORED\r\n');
    await other.read(() => other.closed);
    assert.ok(other.closed, 'quit closes after the replies before it');
  });

  it('exports per-command and per-server metrics', async () => {
    const { body } = await get(`http://127.0.0.1:${proxy.adminPort}/metrics`);
    // Earlier tests sent gets and mgs: their series count them (calls on arrival, latency per reply written).
    assert.match(body, /padda_memcache_commands_total\{listener="cache",command="get"\} [1-9]/);
    assert.match(body, /padda_memcache_command_duration_seconds_count\{listener="cache",command="mg"\} [1-9]/);
    assert.match(body, /padda_memcache_commands_total\{listener="cache",command="flush_all"\} [1-9]/);
    assert.match(body, /padda_server_requests_total\{listener="cache",server="127\.0\.0\.1:\d+:1"\} [1-9]/);
    assert.match(body, /padda_server_request_duration_seconds_bucket\{listener="cache",server="127\.0\.0\.1:\d+:1",le="0\.001"\} \d+/);
  });
});
