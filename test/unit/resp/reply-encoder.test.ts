import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arrayHeader, arrayReply, bulkReply, EMPTY_ARRAY_REPLY, errorReply, integerReply, NULL_ARRAY_REPLY, NULL_BULK_REPLY, OK_REPLY, PONG_REPLY,
  QUEUED_REPLY, simpleStringReply,
} from '../../../src/protocols/resp/reply-encoder.ts';
import { scanReplies } from '../../support/resp-collect.ts';

const text = (b: Buffer): string => b.toString('latin1');

describe('reply encoders', () => {
  it('encode each reply type', () => {
    assert.equal(text(errorReply("ERR unknown command 'x'")), "-ERR unknown command 'x'\r\n");
    assert.equal(text(errorReply('CROSSSLOT Keys in request don\'t hash to the same server')), "-CROSSSLOT Keys in request don't hash to the same server\r\n");
    assert.equal(text(simpleStringReply('OK')), '+OK\r\n');
    assert.equal(text(integerReply(-7)), ':-7\r\n');
    assert.equal(text(integerReply(2n ** 63n - 1n)), ':9223372036854775807\r\n');
    assert.equal(text(bulkReply('héllo')), '$6\r\nh\xc3\xa9llo\r\n');
    assert.equal(text(bulkReply(Buffer.from([0, 13, 10]))), '$3\r\n\0\r\n\r\n');
    assert.equal(text(bulkReply(null)), '$-1\r\n');
    assert.equal(text(arrayHeader(12)), '*12\r\n');
    assert.equal(text(arrayReply([bulkReply('a'), NULL_BULK_REPLY, integerReply(1)])), '*3\r\n$1\r\na\r\n$-1\r\n:1\r\n');
    assert.equal(text(arrayReply([])), '*0\r\n');
    assert.equal(arrayReply(null), NULL_ARRAY_REPLY);
  });

  it('keep line replies on one line, as Redis does', () => {
    assert.equal(text(errorReply('ERR a\r\nb')), '-ERR a  b\r\n');
    assert.equal(text(simpleStringReply('a\nb')), '+a b\r\n');
  });

  it('refuses a non-integer integer reply', () => {
    assert.throws(() => integerReply(1.5), RangeError);
  });

  it('produce replies the reply scanner delimits exactly', () => {
    const replies = [OK_REPLY, PONG_REPLY, QUEUED_REPLY, NULL_BULK_REPLY, NULL_ARRAY_REPLY, EMPTY_ARRAY_REPLY, errorReply('ERR x'),
      integerReply(0), bulkReply(''), arrayReply([arrayReply([bulkReply('x')]), integerReply(3)])];
    assert.deepEqual(scanReplies([Buffer.concat(replies)]).replies, replies.map(text));
  });
});
