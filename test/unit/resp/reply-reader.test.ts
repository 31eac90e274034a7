import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArrayReplyReader, readIntegerReply } from '../../../src/protocols/resp/reply-reader.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

function elements(reply: string, prefix = ''): string[] | null {
  const buf = bytes(prefix + reply + '+after\r\n');
  const reader = new ArrayReplyReader();
  if (!reader.open(buf, prefix.length, prefix.length + reply.length)) return null;
  const out: string[] = [];
  while (reader.next()) out.push(buf.toString('latin1', reader.elementStart, reader.elementEnd));
  return out;
}

describe('readIntegerReply', () => {
  it('reads integer replies, for summing split DEL/EXISTS counts', () => {
    assert.equal(readIntegerReply(bytes(':3\r\n'), 0, 4), 3);
    assert.equal(readIntegerReply(bytes('xx:-12\r\n'), 2, 8), -12);
    assert.equal(readIntegerReply(bytes(':0\r\n'), 0, 4), 0);
  });

  it('is NaN for anything else', () => {
    assert.ok(Number.isNaN(readIntegerReply(bytes('-ERR no\r\n'), 0, 9)));
    assert.ok(Number.isNaN(readIntegerReply(bytes('$1\r\n3\r\n'), 0, 7)));
    assert.ok(Number.isNaN(readIntegerReply(bytes(':3'), 0, 2)));
  });
});

describe('ArrayReplyReader', () => {
  it('walks the elements of an MGET reply, nulls and nested replies whole', () => {
    assert.deepEqual(elements('*4\r\n$1\r\na\r\n$-1\r\n*2\r\n:1\r\n$2\r\n\r\n\r\n-ERR x\r\n', 'junk'), ['$1\r\na\r\n', '$-1\r\n', '*2\r\n:1\r\n$2\r\n\r\n\r\n', '-ERR x\r\n']);
    assert.deepEqual(elements('~1\r\n+a\r\n'), ['+a\r\n']);
    assert.deepEqual(elements('*0\r\n'), []);
  });

  it('opens a null array with count -1 and no elements', () => {
    const reader = new ArrayReplyReader();
    assert.ok(reader.open(bytes('*-1\r\n'), 0, 5));
    assert.equal(reader.count, -1);
    assert.equal(reader.next(), false);
  });

  it('refuses replies that are not arrays, and stops at a reply cut short', () => {
    assert.equal(elements('-ERR wrong\r\n'), null);
    assert.equal(elements('$3\r\nabc\r\n'), null);
    assert.deepEqual(elements('*3\r\n:1\r\n:2'), [':1\r\n']);
  });

  it('can be reused for any number of replies', () => {
    const reader = new ArrayReplyReader();
    for (const reply of ['*1\r\n:1\r\n', '*2\r\n:1\r\n:2\r\n']) {
      assert.ok(reader.open(bytes(reply), 0, reply.length));
      let n = 0;
      while (reader.next()) n++;
      assert.equal(n, reader.count);
    }
  });
});
