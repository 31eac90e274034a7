import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Expect } from '../../../src/protocols/memcache/request-kind.ts';
import { LINE_TOO_LONG, OBJECT_TOO_LARGE } from '../../../src/protocols/memcache/replies.ts';
import { RequestKind } from '../../../src/protocols/memcache/request-kind.ts';
import { RequestScanner } from '../../../src/protocols/memcache/request-scanner.ts';
import { scanRequestText } from './scan-helpers.ts';

function one(input: string) {
  const results = scanRequestText(input);
  assert.equal(results.length, 1, `one request in ${JSON.stringify(input)}: ${JSON.stringify(results)}`);
  return results[0];
}

describe('request scanner: classic commands', () => {
  it('exposes every key of a multi-key retrieval, gat/gats after their exptime', () => {
    for (const [command, kind, keys] of [
      ['get a bb ccc\r\n', 'get', ['a', 'bb', 'ccc']],
      ['gets k1\r\n', 'gets', ['k1']],
      ['gat 100 x y\r\n', 'gat', ['x', 'y']],
      ['gats -1 z\r\n', 'gats', ['z']],
      ['bget legacy\r\n', 'get', ['legacy']],
      ['get  spaced   keys \r\n', 'get', ['spaced', 'keys']],
    ] as const) {
      const r = one(command);
      assert.deepEqual([r.kind, r.keys, r.expect, r.bytes], [kind, keys, Expect.untilEnd, command]);
    }
  });

  it('keeps every key of a multi-get past memcached\'s 24-token window', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `key:${i}`);
    assert.deepEqual(one(`get ${keys.join(' ')}\r\n`).keys, keys);
  });

  it('answers a gat without keys with its own END, as memcached does', () => {
    assert.deepEqual([one('gat 10\r\n').kind, one('gat 10\r\n').keys], ['gat', []]);
  });

  it('finds storage data blocks, binary-safe, and where they end', () => {
    const value = 'a\r\nb\0c\r\n';
    for (const command of ['set', 'add', 'replace', 'append', 'prepend']) {
      const input = `${command} key 5 0 ${value.length}\r\n${value}\r\n`;
      const r = one(input);
      assert.deepEqual([r.kind, r.keys, r.data, r.bytes, r.expect], [command, ['key'], value, input, Expect.one]);
    }
    const cas = one('cas key 0 0 2 12345\r\nhi\r\n');
    assert.deepEqual([cas.kind, cas.data], ['cas', 'hi']);
  });

  it('takes noreply from the last token only, for every command that has it', () => {
    for (const [input, kind] of [
      ['set k 0 0 1 noreply\r\nx\r\n', 'set'],
      ['cas k 0 0 1 7 noreply\r\nx\r\n', 'cas'],
      ['delete k noreply\r\n', 'delete'],
      ['delete k 0 noreply\r\n', 'delete'],
      ['incr k 1 noreply\r\n', 'incr'],
      ['decr k 1 noreply\r\n', 'decr'],
      ['touch k 10 noreply\r\n', 'touch'],
      ['flush_all noreply\r\n', 'flushAll'],
      ['flush_all 10 noreply\r\n', 'flushAll'],
      ['verbosity 1 noreply\r\n', 'verbosity'],
    ] as const) {
      const r = one(input);
      assert.deepEqual([r.kind, r.noreply, r.expect], [kind, true, Expect.none], input);
    }
    // A sixth token that is not `noreply` is ignored, as memcached does.
    assert.deepEqual([one('set k 0 0 1 whatever\r\nx\r\n').noreply, one('get k noreply\r\n').keys], [false, ['k', 'noreply']]);
  });

  it('classifies keyed and keyless commands', () => {
    for (const [input, kind, keys, expect] of [
      ['delete k\r\n', 'delete', ['k'], Expect.one],
      ['incr k 5\r\n', 'incr', ['k'], Expect.one],
      ['decr k 5\r\n', 'decr', ['k'], Expect.one],
      ['touch k 5\r\n', 'touch', ['k'], Expect.one],
      ['version\r\n', 'version', [], Expect.one],
      ['quit\r\n', 'quit', [], Expect.none],
      ['flush_all\r\n', 'flushAll', [], Expect.one],
      ['flush_all 30\r\n', 'flushAll', [], Expect.one],
      ['verbosity 1\r\n', 'verbosity', [], Expect.one],
      ['stats\r\n', 'stats', [], Expect.untilEnd],
      ['stats items\r\n', 'stats', [], Expect.untilEnd],
      ['shutdown\r\n', 'admin', [], Expect.one],
      ['lru_crawler metadump all\r\n', 'admin', [], Expect.one],
    ] as const) {
      const r = one(input);
      assert.deepEqual([r.kind, r.keys, r.expect], [kind, keys, expect], input);
    }
  });

  it('accepts a bare \\n line end and keys with control bytes, as memcached does', () => {
    assert.deepEqual(scanRequestText('version\nget a\tb\x01\n').map((r) => [r.kind, r.keys]), [
      ['version', []],
      ['get', ['a\tb\x01']],
    ]);
  });

  it('reads a command line only up to a NUL byte, like memcached\'s C strings', () => {
    const r = one('get a\0b c\r\n');
    assert.deepEqual(r.keys, ['a']);
    assert.deepEqual(one('set k 0 0 1\0junk\r\nz\r\n').data, 'z');
  });
});

describe('request scanner: meta commands', () => {
  it('mg: key, flags, opaque, quiet', () => {
    const r = one('mg foo v t f Oab12 k\r\n');
    assert.deepEqual([r.kind, r.keys, r.opaque, r.noreply, r.expect], ['mg', ['foo'], 'ab12', false, Expect.one]);
    const quiet = one('mg foo v q\r\n');
    assert.deepEqual([quiet.noreply, quiet.expect], [true, Expect.quiet]);
  });

  it('ms: data block from the length token, modes and flags', () => {
    const r = one('ms foo 5 T60 F3 MA c O9 q\r\nhello\r\n');
    assert.deepEqual([r.kind, r.keys, r.data, r.opaque, r.expect], ['ms', ['foo'], 'hello', '9', Expect.quiet]);
    assert.equal(one('ms foo 0\r\n\r\n').data, '');
  });

  it('md, ma, me, mn', () => {
    assert.deepEqual([one('md foo q C5 I T30\r\n').kind, one('md foo q\r\n').expect], ['md', Expect.quiet]);
    const ma = one('ma n N0 J5 D2 MD v t c\r\n');
    assert.deepEqual([ma.kind, ma.keys, ma.expect], ['ma', ['n'], Expect.one]);
    assert.deepEqual([one('me foo\r\n').kind, one('me foo\r\n').keys], ['me', ['foo']]);
    assert.deepEqual([one('mn\r\n').kind, one('mn\r\n').expect, one('mn extra\r\n').kind], ['mn', Expect.one, 'mn']);
  });

  it('b: the key stays base64 in place and is flagged for decoding', () => {
    const r = one('mg Zm9v b v\r\n');
    assert.deepEqual([r.keys, r.keyBase64], [['Zm9v'], true]);
    assert.equal(one('me Zm9v b\r\n').keyBase64, true);
  });

  it('ignores P and L proxy hints', () => {
    assert.equal(one('mg foo Lpath/ Phint v\r\n').kind, 'mg');
  });
});

describe('request scanner: state', () => {
  it('reports a request in progress and what it holds while a client stalls', () => {
    const scanner = new RequestScanner();
    scanner.push(Buffer.from('set k 0 0 10\r\nhel'));
    assert.equal(scanner.next(), false);
    assert.equal(scanner.midRequest, true);
    assert.equal(scanner.buffered, 17);
    scanner.push(Buffer.from('lo12345\r\n'));
    assert.equal(scanner.next(), true);
    assert.equal(scanner.request.buffer.toString('latin1', scanner.request.dataStart, scanner.request.dataEnd), 'hello12345');
    assert.equal(scanner.midRequest, false);
  });

  it('keeps bytes of a chunk pushed before the previous one was drained', () => {
    const scanner = new RequestScanner();
    scanner.push(Buffer.from('get a\r\nget'));
    scanner.push(Buffer.from(' b\r\n'));
    const keys: string[] = [];
    while (scanner.next()) keys.push(scanner.request.buffer.toString('latin1', scanner.request.keyStart(0), scanner.request.keyEnd(0)));
    assert.deepEqual(keys, ['a', 'b']);
  });

  it('hands out frames that stay intact after later chunks arrive', () => {
    const scanner = new RequestScanner();
    scanner.push(Buffer.from('set k 0 0 4\r\nab'));
    scanner.next();
    scanner.push(Buffer.from('cd\r\nset j 0 0 2\r\nx'));
    assert.equal(scanner.next(), true);
    const first = scanner.request.buffer.subarray(scanner.request.start, scanner.request.end);
    assert.equal(scanner.next(), false);
    scanner.push(Buffer.from('y\r\n'));
    assert.equal(scanner.next(), true);
    assert.equal(first.toString(), 'set k 0 0 4\r\nabcd\r\n');
  });
});

describe('request scanner: oversized input', () => {
  /** Pushes `chunks` one by one; returns each request's kind and reply, and the most bytes held after any chunk. */
  function feed(scanner: RequestScanner, chunks: readonly Buffer[]) {
    const requests: Array<[string, string, boolean]> = [];
    let held = 0;
    for (const chunk of chunks) {
      scanner.push(chunk);
      while (scanner.next()) {
        const r = scanner.request;
        requests.push([r.kind === RequestKind.invalid ? 'invalid' : 'valid', r.reply.toString('latin1'), r.close]);
      }
      held = Math.max(held, scanner.buffered);
    }
    return { requests, held };
  }

  it('closes a get line longer than maxGetLineBytes with memcached\'s out-of-memory error, whole or trickling in', () => {
    const line = Buffer.from(`get ${'k '.repeat(3000)}\r\nversion\r\n`);
    const whole = feed(new RequestScanner({ maxGetLineBytes: 4096 }), [line]);
    assert.deepEqual(whole.requests, [['invalid', LINE_TOO_LONG.toString('latin1'), true]], 'nothing is read after it');
    const chunks = Array.from({ length: Math.ceil(line.length / 500) }, (_, i) => line.subarray(i * 500, (i + 1) * 500));
    const trickled = feed(new RequestScanner({ maxGetLineBytes: 4096 }), chunks);
    assert.deepEqual(trickled.requests, whole.requests);
    assert.ok(trickled.held <= 4096 + 500, `held ${trickled.held} bytes`);
  });

  it('swallows the data of an item over itemSizeMax without holding it, then answers the error', () => {
    const scanner = new RequestScanner({ itemSizeMax: 1024 * 1024 });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const chunks = [Buffer.from('set big 0 0 2000000\r\n'), ...Array.from({ length: 30 }, () => chunk)];
    const before = feed(scanner, chunks);
    assert.deepEqual(before.requests, [], 'the error shows once the data is swallowed, as memcached sends it');
    assert.equal(scanner.midRequest, true);
    assert.ok(before.held <= chunk.length, `held ${before.held} bytes`);
    const after = feed(scanner, [Buffer.alloc(2_000_002 - 30 * chunk.length, 'x'), Buffer.from('version\r\n')]);
    assert.deepEqual(after.requests, [['invalid', OBJECT_TOO_LARGE.toString('latin1'), false], ['valid', '', false]]);
    assert.equal(scanner.midRequest, false);
  });

  it('does not wait for the data of a length memcached refuses outright', () => {
    // Past INT_MAX - 2, or negative; a length that wraps into range is swallowed instead (memcache-bad-input.ts).
    const { requests } = feed(new RequestScanner(), [Buffer.from('set k 0 0 2147483646\r\nms k -1\r\nversion\r\n')]);
    assert.deepEqual(requests.map(([kind, reply]) => [kind, reply]), [
      ['invalid', 'CLIENT_ERROR bad command line format\r\n'],
      ['invalid', 'CLIENT_ERROR bad command line format\r\n'],
      ['valid', ''],
    ]);
  });
});
