import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

let shards: RunningServer[];
let padda: PaddaProcess;
let client: Redis;
let direct: Redis[];
let port: number;

/** Which shard holds `key`, asked of the shards themselves. */
async function holder(key: string): Promise<number> {
  const found = await Promise.all(direct.map((r) => r.exists(key)));
  assert.equal(found.filter((n) => n === 1).length, 1, `${key} is on ${found.filter((n) => n === 1).length} shards`);
  return found.indexOf(1);
}

/**
 * Keys that land on different shards, found by writing them through padda.
 * Random keys: twemproxy's fnv1a_64 multiplies by a truncated 32-bit prime,
 * so keys differing only in their last bytes hash close together and ketama
 * sends them to one shard — faithfully reproduced here.
 */
async function keysOnDistinctShards(prefix: string): Promise<string[]> {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < 3 && i < 200; i++) {
    const key = `${randomBytes(6).toString('hex')}-${prefix}`;
    await client.set(key, key);
    const shard = await holder(key);
    if (!byShard.has(shard)) byShard.set(shard, key);
  }
  assert.equal(byShard.size, 3);
  return [...byShard.values()];
}

before(async () => {
  shards = await Promise.all([startRedis(), startRedis(), startRedis()]);
  direct = shards.map((s) => new Redis({ host: '127.0.0.1', port: s.port }));
  let admin: number;
  [port, admin] = (await freePorts(2)) as [number, number];
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  cache:
    mode: redis
    listen: 127.0.0.1:${port}
    hash: fnv1a_64
    hash_tag: "{}"
    distribution: ketama
    timeout: 2000
    servers:
${shards.map((s) => `      - 127.0.0.1:${s.port}:1`).join('\n')}
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  client = new Redis({ host: '127.0.0.1', port });
});

after(async () => {
  client?.disconnect();
  for (const r of direct ?? []) r.disconnect();
  await padda?.stop();
  await Promise.all((shards ?? []).map((s) => s.stop()));
});

describe('single-key commands route by key', () => {
  test('strings, hashes, lists, sets and sorted sets round-trip, each on one shard', async () => {
    await client.set('s', 'v');
    assert.equal(await client.get('s'), 'v');
    await client.hset('h', 'f', '1', 'g', '2');
    assert.deepEqual(await client.hgetall('h'), { f: '1', g: '2' });
    await client.rpush('l', 'a', 'b', 'c');
    assert.deepEqual(await client.lrange('l', 0, -1), ['a', 'b', 'c']);
    await client.sadd('set', 'x', 'y');
    assert.equal(await client.scard('set'), 2);
    await client.zadd('z', 1, 'one', 2, 'two');
    assert.deepEqual(await client.zrange('z', '0', '-1'), ['one', 'two']);
    assert.equal(await client.incrby('n', 5), 5);
    for (const key of ['s', 'h', 'l', 'set', 'z', 'n']) await holder(key);
  });

  test('binary-safe keys and values', async () => {
    const key = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x20]);
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await client.set(key, value);
    assert.deepEqual(await client.getBuffer(key), value);
  });

  test('hash tags keep related keys on one shard, so multi-key commands work', async () => {
    await client.set('{user:1}:a', '1');
    await client.set('{user:1}:b', '2');
    assert.equal(await holder('{user:1}:a'), await holder('{user:1}:b'));
    assert.equal(await client.rename('{user:1}:a', '{user:1}:c'), 'OK');
    await client.sadd('{t}s1', 'a', 'b');
    await client.sadd('{t}s2', 'b', 'c');
    assert.equal(await client.sunionstore('{t}dest', '{t}s1', '{t}s2'), 3);
  });
});

describe('multi-key commands split per shard and merge', () => {
  test('MGET returns values in key order across shards, nil for missing keys', async () => {
    const keys = await keysOnDistinctShards('mget-');
    assert.deepEqual(await client.mget(...keys, 'missing-key', keys[0]!), [...keys, null, keys[0]]);
  });

  test('MSET writes each key to its own shard', async () => {
    const keys = Array.from({ length: 30 }, () => randomBytes(6).toString('hex'));
    assert.equal(await client.mset(...keys.flatMap((key) => [key, `value-${key}`])), 'OK');
    const shardsUsed = new Set<number>();
    for (const key of keys) {
      assert.equal(await direct[await holder(key)]!.get(key), `value-${key}`);
      shardsUsed.add(await holder(key));
    }
    assert.equal(shardsUsed.size, 3);
  });

  test('DEL, UNLINK, EXISTS and TOUCH add up the counts of every shard', async () => {
    const keys = await keysOnDistinctShards('count-');
    assert.equal(await client.exists(...keys, keys[0]!, 'nope'), 4);
    assert.equal(await client.touch(...keys, 'nope'), 3);
    assert.equal(await client.del(keys[0]!, keys[1]!, 'nope'), 2);
    assert.equal(await client.unlink(keys[2]!, keys[0]!), 1);
    assert.equal(await client.exists(...keys), 0);
  });

  test('a cross-shard multi-key command is refused with CROSSSLOT, not sent to one shard', async () => {
    const keys = await keysOnDistinctShards('cross-');
    await assert.rejects(client.rename(keys[0]!, keys[1]!), /^ReplyError: CROSSSLOT Keys in request don't hash to the same server/);
    await assert.rejects(client.sunionstore(keys[0]!, keys[1]!, keys[2]!), /CROSSSLOT/);
    assert.equal(await client.get(keys[0]!), keys[0]);
  });
});

describe('local and unsupported commands', () => {
  test('PING, ECHO, SELECT 0, COMMAND COUNT, COMMAND GETKEYS, INFO, HELLO 2 are answered', async () => {
    assert.equal(await client.ping(), 'PONG');
    assert.equal(await client.ping('hi'), 'hi');
    assert.equal(await client.echo('e'), 'e');
    assert.equal(await client.select(0), 'OK');
    await assert.rejects(client.call('SELECT', '1'), /SELECT is not allowed in proxy mode: this listener serves db 0/);
    assert.ok(Number(await client.call('COMMAND', 'COUNT')) > 200);
    assert.deepEqual(await client.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), ['a', 'b']);
    assert.match(String(await client.info()), /loading:0/);
    const hello = (await client.call('HELLO', '2')) as unknown[];
    assert.equal(hello[hello.indexOf('proto') + 1], 2);
    await assert.rejects(client.call('HELLO', '3'), /NOPROTO/);
    const info = (await client.call('COMMAND', 'INFO', 'get')) as unknown[][];
    assert.equal(info[0]![0], 'get');
  });

  test('keyless server commands get a clear error; unknown commands and bad arity get Redis\'s texts', async () => {
    await assert.rejects(client.keys('*'), /ERR unsupported command 'keys' in proxy mode/);
    await assert.rejects(client.call('FLUSHALL'), /ERR unsupported command 'flushall' in proxy mode/);
    await assert.rejects(client.call('NOSUCH', 'a'), /ERR unknown command 'NOSUCH', with args beginning with: 'a'/);
    await assert.rejects(client.call('GET'), /ERR wrong number of arguments for 'get' command/);
    await assert.rejects(client.call('EVAL', 'return 1', '0'), /no key to route by/);
  });

  test('EVAL with keys runs on the keys\' shard', async () => {
    await client.set('{e}k', 'v');
    assert.equal(await client.eval("return redis.call('GET', KEYS[1])", 1, '{e}k'), 'v');
  });
});

describe('pipelining', () => {
  test('a pipeline of 10 000 commands over every shard answers each in order', async () => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 5000; i++) {
      pipeline.set(`p${i}`, String(i));
      pipeline.get(`p${i}`);
    }
    const results = await pipeline.exec();
    assert.equal(results!.length, 10_000);
    for (let i = 0; i < 5000; i++) {
      assert.deepEqual(results![2 * i], [null, 'OK']);
      assert.deepEqual(results![2 * i + 1], [null, String(i)]);
    }
    // Every shard took part. How evenly is ketama's business, checked against nutcracker in the hash tests:
    // the servers' names carry their random ports, and one shard got 925 of 5000 keys in a fresh-clone run.
    const perShard = await Promise.all(direct.map((r) => r.dbsize()));
    assert.ok(perShard.every((n) => n > 0), `a shard got none: ${perShard}`);
  });

  test('mixed MGET, DEL and single-key commands in one pipeline keep their order', async () => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 200; i++) {
      pipeline.mset(`a${i}`, 'x', `b${i}`, 'y');
      pipeline.mget(`a${i}`, `b${i}`, `c${i}`);
      pipeline.del(`a${i}`, `b${i}`);
      pipeline.get(`a${i}`);
    }
    const results = (await pipeline.exec())!.map(([error, value]) => error ?? value);
    for (let i = 0; i < 200; i++) assert.deepEqual(results.slice(4 * i, 4 * i + 4), ['OK', ['x', 'y', null], 2, null]);
  });
});

describe('transactions, blocking commands, pub/sub', () => {
  test('MULTI/EXEC on one shard runs atomically', async () => {
    const results = await client.multi().set('{tx}a', '1').incr('{tx}a').get('{tx}a').exec();
    assert.deepEqual(results, [[null, 'OK'], [null, 2], [null, '2']]);
  });

  test('WATCH aborts EXEC when the key changed', async () => {
    const watcher = new Redis({ host: '127.0.0.1', port });
    try {
      await watcher.set('{w}k', '1');
      await watcher.watch('{w}k');
      await client.set('{w}k', '2');
      const result = await watcher.multi().set('{w}k', '3').exec();
      assert.equal(result, null);
      assert.equal(await client.get('{w}k'), '2');
    } finally {
      watcher.disconnect();
    }
  });

  test('a transaction touching two shards is aborted with EXECABORT', async () => {
    const keys = await keysOnDistinctShards('txx-');
    const tx = new Redis({ host: '127.0.0.1', port });
    try {
      await assert.rejects(tx.multi().set(keys[0]!, 'a').set(keys[1]!, 'b').exec(), /EXECABORT/);
      assert.equal(await client.get(keys[0]!), keys[0]);
    } finally {
      tx.disconnect();
    }
  });

  test('BLPOP blocks on its own connection and wakes on a push; other clients are not held up', async () => {
    const blocker = new Redis({ host: '127.0.0.1', port });
    try {
      const popped = blocker.blpop('{q}list', 5);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await client.ping(), 'PONG');
      await client.rpush('{q}list', 'job');
      assert.deepEqual(await popped, ['{q}list', 'job']);
      assert.equal(await blocker.get('{q}other'), null);
    } finally {
      blocker.disconnect();
    }
  });

  test('SUBSCRIBE receives what PUBLISH sends through padda', async () => {
    const subscriber = new Redis({ host: '127.0.0.1', port });
    try {
      const received = new Promise<[string, string]>((resolve) => subscriber.on('message', (channel, message) => resolve([channel, message])));
      assert.equal(await subscriber.subscribe('news'), 1);
      assert.equal(await client.publish('news', 'hello'), 1);
      assert.deepEqual(await received, ['news', 'hello']);
      assert.equal(await subscriber.unsubscribe('news'), 0);
      assert.equal(await subscriber.set('after', 'unsubscribe'), 'OK');
    } finally {
      subscriber.disconnect();
    }
  });

  test('PSUBSCRIBE over several shards is refused clearly', async () => {
    const subscriber = new Redis({ host: '127.0.0.1', port });
    try {
      await assert.rejects(subscriber.psubscribe('news.*'), /PSUBSCRIBE cannot be honoured in proxy mode/);
    } finally {
      subscriber.disconnect();
    }
  });
});
