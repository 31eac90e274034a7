/**
 * The reply scanner on what a real redis-server sends, in RESP2 and RESP3:
 * DEBUG PROTOCOL answers with each RESP3 type (attribute and push included),
 * ordinary commands with the usual ones. Every byte must fall into exactly
 * one reply, and the replies must come in the expected order of types.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchange } from '../../support/quiet-exchange.ts';
import { scanReplies } from '../../support/resp-collect.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

const inline = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\r\n`).join(''));

describe('reply scanner vs redis-server replies', () => {
  let redis: RunningServer;
  before(async () => {
    redis = await startRedis({ args: ['--enable-debug-command', 'yes'] });
  });
  after(() => redis?.stop());

  async function replies(lines: string[]) {
    const { reply } = await exchange(redis.port, [inline(lines)], 100);
    const result = scanReplies([reply]);
    assert.equal(result.replies.join(''), reply.toString('latin1'), 'every byte belongs to one reply');
    assert.equal(result.partial, false);
    assert.equal(result.error, null);
    return result;
  }

  it('delimits RESP2 replies of ordinary commands', async () => {
    const result = await replies([
      'SET k v', 'GET k', 'GET missing', 'INCR n', 'RPUSH l a b c', 'LRANGE l 0 -1', 'HSET h f v g w', 'HGETALL h', 'NOSUCH',
      'MGET k missing l', 'INFO server', 'EXEC', 'ZADD z 1.5 m', 'ZSCORE z m', 'BLPOP missing 0.01',
    ]);
    assert.deepEqual(result.types.join(''), '+$$::*:*-*$-:$*');
  });

  it('delimits every RESP3 type, keeping an attribute with its reply and a push on its own', async () => {
    const types = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'true', 'false', 'verbatim'];
    const result = await replies(['HELLO 3', ...types.map((t) => `DEBUG PROTOCOL ${t}`), 'HGETALL h', 'GET missing']);
    // HELLO's map, then one reply per type, except push: the push message and then the real reply.
    assert.deepEqual(result.types.join(''), '%$:,(_*~%|>$##=%_');
  });
});
