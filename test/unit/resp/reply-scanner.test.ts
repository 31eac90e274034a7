import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyScanner } from '../../../src/protocols/resp/reply-scanner.ts';
import { scanReplies, splitAt } from '../../support/resp-collect.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

const RESP2 = ['+OK\r\n', '-ERR unknown command\r\n', ':-42\r\n', '$5\r\nhe\r\no\r\n', '$0\r\n\r\n', '$-1\r\n', '*-1\r\n', '*0\r\n',
  '*3\r\n$1\r\na\r\n$-1\r\n:7\r\n', '*2\r\n*2\r\n+a\r\n*1\r\n*0\r\n-ERR x\r\n'];
const RESP3 = ['_\r\n', ',3.14\r\n', '#t\r\n', '(3492890328409238509324850943850943825024385\r\n', '!21\r\nSYNTAX invalid syntax\r\n',
  '=15\r\ntxt:Some string\r\n', '%2\r\n+first\r\n:1\r\n+second\r\n*1\r\n:2\r\n', '~2\r\n+a\r\n+b\r\n', '>3\r\n+message\r\n+ch\r\n$2\r\nhi\r\n',
  '|1\r\n+ttl\r\n:3600\r\n*2\r\n:1\r\n:2\r\n', '%0\r\n'];

describe('ReplyScanner', () => {
  it('delimits every RESP2 and RESP3 reply type, nested aggregates included', () => {
    const all = [...RESP2, ...RESP3];
    const result = scanReplies([bytes(all.join(''))]);
    assert.deepEqual(result.replies, all);
    assert.deepEqual(result.types, all.map((r) => r[0]));
    assert.equal(result.error, null);
    assert.equal(result.partial, false);
  });

  it('finds the same boundaries at every split point and fed byte by byte', () => {
    const stream = bytes([...RESP2, ...RESP3].join(''));
    const whole = scanReplies([stream]);
    for (let cut = 0; cut <= stream.length; cut++) assert.deepEqual(scanReplies(splitAt(stream, [cut])), whole, `split at ${cut}`);
    for (let a = 1; a < stream.length; a += 2) {
      for (let b = a; b < stream.length; b += 5) assert.deepEqual(scanReplies(splitAt(stream, [a, b])), whole, `split at ${a}, ${b}`);
    }
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(scanReplies(splitAt(stream, cuts)), whole);
  });

  it('tells a reply that has begun from a clean boundary', () => {
    const scanner = new ReplyScanner();
    const chunk = bytes('+OK\r\n$10\r\nabc');
    assert.equal(scanner.scan(chunk, 0), 5);
    assert.equal(scanner.inReply, false);
    assert.equal(scanner.scan(chunk, 5), -1);
    assert.equal(scanner.inReply, true);
    assert.equal(scanner.scan(bytes('defghij\r\n:1\r\n'), 0), 9);
    assert.equal(scanner.type, 0x24);
  });

  it('keeps no bytes: a 100 MB bulk streamed in 64 KB chunks costs only a countdown', () => {
    const scanner = new ReplyScanner();
    const size = 100 * 1024 * 1024;
    assert.equal(scanner.scan(bytes(`$${size}\r\n`), 0), -1);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let left = size; left > 0; left -= chunk.length) assert.equal(scanner.scan(chunk, 0, Math.min(chunk.length, left)), -1);
    assert.equal(scanner.scan(bytes('\r\n'), 0), 2);
  });

  it('handles deep nesting without recursion', () => {
    const depth = 10_000;
    const reply = '*1\r\n'.repeat(depth) + ':1\r\n';
    assert.deepEqual(scanReplies([bytes(reply)]).replies, [reply]);
  });

  it('reports a broken server stream as an error and stops', () => {
    for (const bad of ['?3\r\n', '$x\r\n', '$-2\r\n', '*-5\r\n', '$3\rX', '$\r\n', '*1234567890123456\r\n', '%-1\r\n']) {
      const result = scanReplies([bytes('+OK\r\n' + bad)]);
      assert.deepEqual(result.replies, ['+OK\r\n'], bad);
      assert.match(result.error ?? '', /./, bad);
    }
    const scanner = new ReplyScanner();
    assert.equal(scanner.scan(bytes('?'), 0), -1);
    assert.equal(scanner.scan(bytes('+OK\r\n'), 0), -1, 'stays stopped');
    scanner.reset();
    assert.equal(scanner.scan(bytes('+OK\r\n'), 0), 5, 'usable again after reset()');
  });
});
