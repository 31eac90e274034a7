/**
 * Seeded random pipelines — classic and meta commands, quiet runs, noreply,
 * multi-gets, flags and opaque tokens over 40 keys that span the shards —
 * sent to one memcached and to padda over three shards must get the same
 * bytes. Each session arrives in random chunk sizes. A failure names its
 * seed, so it replays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { shardEntries, startMemcachePadda, startShards, type MemcachePadda } from '../../support/memcache-padda.ts';
import { exchange } from '../../support/quiet-exchange.ts';
import { randomChunks, seededRandom } from '../../support/seeded-random.ts';
import { startMemcached, type RunningServer } from '../../support/servers.ts';

const SESSIONS = 12;
const REQUESTS = 150;

function session(seed: number): Buffer[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const key = () => `${Math.floor(random() * 40)}:${seed}`;
  const data = () => 'd'.repeat(Math.floor(random() * 20)) + String(Math.floor(random() * 100));
  const opaque = () => (random() < 0.5 ? ` O${Math.floor(random() * 1000)}` : '');
  const quiet = () => (random() < 0.6 ? ' q' : '');
  const requests: Array<() => string> = [
    () => { const v = data(); return `${pick(['set', 'add', 'replace', 'append', 'prepend'])} ${key()} ${Math.floor(random() * 4)} 0 ${v.length}${random() < 0.2 ? ' noreply' : ''}\r\n${v}\r\n`; },
    () => `get ${Array.from({ length: 1 + Math.floor(random() * 8) }, key).join(' ')}\r\n`,
    () => `gat 0 ${Array.from({ length: 1 + Math.floor(random() * 4) }, key).join(' ')}\r\n`,
    () => `delete ${key()}${random() < 0.2 ? ' noreply' : ''}\r\n`,
    () => `${pick(['incr', 'decr'])} ${key()} ${Math.floor(random() * 10)}\r\n`,
    () => `touch ${key()} 0\r\n`,
    () => `mg ${key()}${pick([' v', ' v f', ' k v', ' s', ''])}${quiet()}${opaque()}\r\n`,
    () => { const v = data(); return `ms ${key()} ${v.length}${pick(['', ' MS', ' ME', ' MA', ' MP', ' MR', ' F3'])}${quiet()}${opaque()}\r\n${v}\r\n`; },
    () => `md ${key()}${quiet()}${opaque()}\r\n`,
    () => `ma ${key()}${pick(['', ' MD', ' N0 J5', ' D3 v'])}${quiet()}${opaque()}\r\n`,
    () => 'mn\r\n',
    () => pick(['bogus\r\n', 'mg\r\n', `ms ${key()} x\r\nxx\r\n`, `set ${key()} 0 0 1\r\nxyz\r\n`]),
  ];
  const text = Buffer.from(Array.from({ length: REQUESTS }, () => pick(requests)()).join('') + 'mn\r\n', 'latin1');
  return randomChunks(random, text, 300);
}

describe('random pipelines: padda over three shards vs one memcached', () => {
  let direct: RunningServer;
  let shards: RunningServer[] = [];
  let proxy: MemcachePadda;
  before(async () => {
    direct = await startMemcached();
    shards = await startShards(3);
    proxy = await startMemcachePadda(shardEntries(shards));
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all([direct, ...shards].map((s) => s?.stop()));
  });

  for (let seed = 1; seed <= SESSIONS; seed++) {
    it(`seed ${seed}`, async () => {
      const chunks = session(seed);
      const want = await exchange(direct.port, chunks, 150);
      const got = await exchange(proxy.port, chunks, 150);
      assert.ok(want.reply.length > 0);
      assert.equal(got.reply.toString('latin1'), want.reply.toString('latin1'));
    });
  }
});
