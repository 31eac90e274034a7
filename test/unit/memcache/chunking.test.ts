import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanReplies, scanRequests, splits } from './scan-helpers.ts';

/** One of everything, bad input included, pipelined. */
const requestStream = Buffer.from(
  [
    'get a bb ccc\r\n',
    'gets k\r\ngat 10 x y\r\ngats 0 z\r\n',
    'set k 1 0 5\r\nhe\r\no\r\n',
    'add k 0 0 0 noreply\r\n\r\n',
    'cas k 0 0 2 99\r\nhi\r\n',
    'append k 0 0 1\r\n!\r\nprepend k 0 0 1\r\n^\r\nreplace k 0 0 1\r\nr\r\n',
    'delete k\r\nincr n 5\r\ndecr n 1 noreply\r\ntouch k 10\r\n',
    'mg foo v k Oop1 q\r\nms foo 3 T0 Oop2\r\nabc\r\nmd foo q\r\nma n v MI D3\r\nme foo\r\nmn\r\n',
    'mg Zm9v b v\r\n',
    'version\r\nverbosity 1\r\nflush_all 0\r\nstats slabs\r\n',
    'set bad 0 0 3\r\ntoolong\r\n',
    'set big 0 0 2000\r\n' + 'x'.repeat(2002),
    'bogus\r\n\r\nset k 0 0 -1\r\n',
    'get ' + 'k'.repeat(251) + '\r\n',
    'mg k v v\r\nms k 2 Z\r\nzz\r\n',
    'version\nquit\r\n',
  ].join(''),
  'latin1',
);

/** Replies of every shape, pipelined. */
const replyStream = Buffer.from(
  [
    'VALUE a 0 3\r\nabc\r\nVALUE bb 5 4 77\r\nd\r\nf\r\nEND\r\n',
    'STORED\r\nNOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nDELETED\r\nTOUCHED\r\nOK\r\n42\r\n',
    'ERROR\r\nCLIENT_ERROR bad data chunk\r\nSERVER_ERROR object too large for cache\r\nVERSION 1.6.18\r\n',
    'VA 2 Oop1 kfoo\r\nhi\r\nHD c5\r\nEN\r\nNF Ox\r\nNS\r\nEX\r\nME foo exp=-1 la=1\r\nMN\r\n',
    'STAT pid 1\r\nSTAT uptime 2\r\nEND\r\nRESET\r\n',
  ].join(''),
  'latin1',
);

describe('chunk boundaries', () => {
  it('every split of a pipelined request stream gives the same requests', () => {
    const whole = scanRequests([requestStream], { itemSizeMax: 1024 });
    assert.ok(whole.length > 30);
    for (const chunks of splits(requestStream)) {
      assert.deepEqual(scanRequests(chunks, { itemSizeMax: 1024 }), whole, `split at ${chunks[0].length}`);
    }
  });

  it('every split of a pipelined reply stream gives the same reply units', () => {
    const whole = scanReplies([replyStream]);
    assert.equal(whole.length, 27);
    for (const chunks of splits(replyStream)) {
      assert.deepEqual(scanReplies(chunks), whole, `split at ${chunks[0].length}`);
    }
  });

  it('a large value in many chunks arrives as one request', () => {
    const value = Buffer.alloc(300_000, 'v');
    const stream = Buffer.concat([Buffer.from('set big 0 0 300000\r\n'), value, Buffer.from('\r\nget big\r\n')]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 4096) chunks.push(stream.subarray(at, at + 4096));
    const results = scanRequests(chunks);
    assert.deepEqual(results.map((r) => [r.kind, r.data?.length ?? null]), [['set', 300_000], ['get', null]]);
  });
});
