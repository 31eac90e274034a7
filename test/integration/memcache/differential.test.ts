/**
 * The same scripted sessions against one real memcached and against padda
 * over three memcached shards must get byte-identical replies and close
 * where memcached closes: ASCII and meta commands, quiet pipelines whose
 * keys span the shards, and every bad-input case of the scanner's own
 * differential test. CAS uniques and `me` dumps are per-server, so the
 * sessions leave them out; integration tests cover those.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { badInputCases, VERSION, type Case } from '../../support/memcache-bad-input.ts';
import { shardEntries, startMemcachePadda, startShards, type MemcachePadda } from '../../support/memcache-padda.ts';
import { exchange } from '../../support/quiet-exchange.ts';
import { startMemcached, type RunningServer } from '../../support/servers.ts';

/** Keys whose first bytes vary spread over the shards (fnv1a_64 barely mixes a varying last byte). */
const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${i}${prefix}`);
const value = (i: number) => `v${'x'.repeat(i % 7)}${i}`;
const sets = (list: string[]) => list.map((k, i) => `set ${k} ${i} 0 ${value(i).length}\r\n${value(i)}\r\n`).join('');
const big = 'B'.repeat(100_000);

const sessions: Case[] = [
  { name: 'multi-get over shards: order, misses, duplicates', parts: [sets(keys('a', 40)), `get ${keys('a', 40).reverse().join(' ')} nope 3a 3a\r\ngets\r\n`] },
  { name: 'gat and touch across shards', parts: [sets(keys('g', 10)), `gat 100 ${keys('g', 12).join(' ')}\r\ngat 100\r\ngats 0\r\ntouch 1g 0\r\ntouch nope 0\r\n`] },
  {
    name: 'storage commands and their answers',
    parts: ['add 1s 0 0 1\r\n1\r\nadd 1s 0 0 1\r\n1\r\nreplace 2s 0 0 1\r\n2\r\nreplace 1s 5 0 2\r\n10\r\nappend 1s 0 0 1\r\n0\r\nprepend 1s 0 0 1\r\n9\r\nappend 2s 0 0 1\r\nx\r\nget 1s 2s\r\n'],
  },
  { name: 'arithmetic and deletes', parts: ['set 1n 0 0 2\r\n10\r\nincr 1n 5\r\ndecr 1n 100\r\nincr 2n 1\r\nset 3n 0 0 1\r\nx\r\nincr 3n 1\r\nincr 1n 18446744073709551615\r\ndelete 1n\r\ndelete 1n\r\ndelete 1n 0\r\n'] },
  { name: 'noreply mixed into a pipeline', parts: ['set 1r 0 0 1 noreply\r\na\r\nset 2r 0 0 1\r\nb\r\nappend 1r 0 0 1 noreply\r\nc\r\nincr 3r 1 noreply\r\ndelete 4r noreply\r\ntouch 2r 10 noreply\r\nget 1r 2r 3r\r\n'] },
  { name: 'binary data blocks, split over writes', parts: ['set 1b 0 0 10\r\n\x00\r\nEND\r\n\xff', 40, '\x01\r\nget 1b\r\nset 2b 3 0 ', 40, '4\r\nab\r\n\r\nget 2b 1b\r\n'] },
  { name: '100 KB values over shards', parts: [`set 1v 0 0 ${big.length}\r\n${big}\r\nset 2v 0 0 ${big.length}\r\n${big}\r\nset 3v 0 0 ${big.length}\r\n${big}\r\n`, `get 3v 1v 2v 4v\r\n`] },
  {
    name: 'meta: flags, opaque tokens, modes',
    parts: [
      'ms 1m 2 F7 T0 Oa1\r\nhi\r\nms 1m 2 ME\r\nxx\r\nms 1m 1 MA\r\n!\r\nms 1m 1 MP\r\n<\r\nms 2m 1 MR\r\nz\r\nms 2m 1 MS k\r\nz\r\n',
      'mg 1m v f s k t Oop\r\nmg 2m v\r\nmg 3m v Ox\r\nmg 3m\r\nmd 2m Od\r\nmd 2m\r\nma 4m\r\nma 4m N0 J7 v\r\nma 4m MD D3 v\r\nma 4m M- D10 v Oz\r\nma 1m\r\n',
    ],
  },
  { name: 'meta base64 keys', parts: ['ms MW0= b 3\r\nb64\r\nmg MW0= b v k\r\nmg 1m v k\r\nmd MW0= b\r\nmg MW0= b v\r\n'] },
  {
    name: 'quiet gets over shards: hits in order, misses silent',
    parts: [`${keys('q', 30).filter((_, i) => i % 3 === 0).map((k) => `ms ${k} 1 q\r\nv\r\n`).join('')}mn\r\n`, `${keys('q', 30).map((k) => `mg ${k} v k q O${k}\r\n`).join('')}mn\r\n`],
  },
  {
    name: 'quiet failures are reported, successes are not',
    parts: [`ms 1f 1\r\na\r\nms 1f 1 q ME O1\r\nb\r\nms 2f 1 q MR O2\r\nb\r\nmd 3f q O3\r\nma 4f q O4\r\nma 1f q O5\r\nmd 1f q\r\nmg 1f q v\r\nmn\r\n`],
  },
  {
    name: 'quiet runs broken by other requests and several mn',
    parts: [`mn\r\n${keys('w', 12).map((k, i) => (i % 4 === 3 ? `mg ${k} v\r\nmn\r\n` : `ms ${k} 1 q\r\n${i % 10}\r\n`)).join('')}get ${keys('w', 12).join(' ')}\r\n${keys('w', 12).map((k) => `mg ${k} q v k\r\n`).join('')}version\r\nmn\r\nmn\r\n`],
  },
  { name: 'quiet requests around bad input', parts: ['ms 1e 1 q\r\na\r\nmg 1e q v\r\nbogus\r\nmg 1e q v\r\nmg 1e q v Z\r\nmg 2e q v\r\nmn\r\n'] },
  { name: 'quiet pipeline split over writes', parts: ['mg 1q v q k\r\nmg 2', 30, 'q v q k\r\nmg 3q v q', 30, ' k\r\nmn\r\n'] },
  { name: 'flush_all and verbosity reach every shard', parts: [sets(keys('z', 9)), 'verbosity 1\r\nverbosity 0 noreply\r\nflush_all\r\n', `get ${keys('z', 9).join(' ')}\r\n`, sets(keys('y', 3)), 'flush_all noreply\r\n', 20, `get ${keys('y', 3).join(' ')}\r\nflush_all 0\r\n`] },
  { name: 'version and quit', parts: ['version\r\nset 1x 0 0 1\r\nx\r\nget 1x\r\nquit\r\nget 1x\r\n'] },
];

describe('differential: padda over three shards vs one memcached', () => {
  let direct: RunningServer;
  let shards: RunningServer[] = [];
  let proxy: MemcachePadda;
  let versionLine = '';

  before(async () => {
    direct = await startMemcached();
    versionLine = (await exchange(direct.port, ['version\r\n'])).reply.toString('latin1');
    shards = await startShards(3);
    proxy = await startMemcachePadda(shardEntries(shards), [`version: "${versionLine.slice('VERSION '.length, -2)}"`]);
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all([direct, ...shards].map((s) => s?.stop()));
  });

  for (const session of [...sessions, ...badInputCases]) {
    it(session.name, async () => {
      const parts = session.parts.map((part) => (part === VERSION ? versionLine : part));
      const want = await exchange(direct.port, parts, 150);
      const got = await exchange(proxy.port, parts, 150);
      assert.equal(JSON.stringify(got.reply.toString('latin1')), JSON.stringify(want.reply.toString('latin1')));
      assert.equal(got.closed, want.closed, 'closes where memcached closes');
    });
  }
});
