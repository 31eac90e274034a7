import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestScanner } from '../../../src/protocols/resp/request-scanner.ts';
import { scanRequests, splitAt } from '../../support/resp-collect.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const multibulk = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

describe('RequestScanner: multibulk', () => {
  it('reports each pipelined command with its arguments and exact bytes', () => {
    const stream = multibulk('GET', 'foo') + multibulk('SET', 'k', 'value') + multibulk('MGET', 'a', 'b', 'c');
    const result = scanRequests([bytes(stream)]);
    assert.deepEqual(result.commands, [['GET', 'foo'], ['SET', 'k', 'value'], ['MGET', 'a', 'b', 'c']]);
    assert.deepEqual(result.raw, [multibulk('GET', 'foo'), multibulk('SET', 'k', 'value'), multibulk('MGET', 'a', 'b', 'c')]);
    assert.equal(result.error, null);
    assert.equal(result.buffered, 0);
  });

  it('is binary-safe: CR, LF and NUL inside arguments are data', () => {
    const key = 'a\r\nb\0c*$';
    const result = scanRequests([bytes(multibulk('SET', key, '\r\n') + multibulk('GET', ''))]);
    assert.deepEqual(result.commands, [['SET', key, '\r\n'], ['GET', '']]);
  });

  it('skips *0 and *-1 the way Redis does, without reporting a command', () => {
    const result = scanRequests([bytes(`*0\r\n*-1\r\n*-9223372036854775808\r\n${multibulk('PING')}`)]);
    assert.deepEqual(result.commands, [['PING']]);
  });

  it('scans a command inside one chunk in place, with offsets into that chunk', () => {
    const chunk = bytes(multibulk('GET', 'foo') + multibulk('SET', 'k', 'v'));
    const scanner = new RequestScanner();
    scanner.push(chunk);
    assert.ok(scanner.next());
    assert.equal(scanner.buffer, chunk);
    assert.equal(scanner.start, 0);
    assert.equal(chunk.toString('latin1', scanner.argStart[1], scanner.argEnd[1]), 'foo');
    assert.ok(scanner.next());
    assert.equal(scanner.buffer, chunk);
    assert.equal(scanner.start, multibulk('GET', 'foo').length);
    assert.equal(scanner.end, chunk.length);
    assert.equal(scanner.next(), false);
  });

  it('copies only a command cut by a chunk boundary; the commands after it are scanned in place again', () => {
    const first = multibulk('SET', 'key', 'value');
    const stream = bytes(first + multibulk('GET', 'key') + multibulk('GET', 'other'));
    const scanner = new RequestScanner();
    scanner.push(stream.subarray(0, 10));
    assert.equal(scanner.next(), false);
    assert.equal(scanner.bufferedBytes, 10);
    const second = stream.subarray(10);
    scanner.push(second);
    assert.ok(scanner.next());
    assert.notEqual(scanner.buffer, second);
    assert.equal(scanner.buffer.toString('latin1', scanner.start, scanner.end), first);
    assert.ok(scanner.next());
    assert.equal(scanner.buffer, second, 'the next command is reported from the chunk itself');
    assert.ok(scanner.next());
    assert.equal(scanner.buffer, second);
    assert.equal(scanner.next(), false);
    assert.equal(scanner.bufferedBytes, 0);
  });

  it('never overwrites bytes it has reported, so they can be written to a socket later', () => {
    const stream = bytes(multibulk('SET', 'a', 'x'.repeat(100)) + multibulk('SET', 'b', 'y'.repeat(100)) + multibulk('GET', 'c'));
    const scanner = new RequestScanner();
    const kept: { view: Buffer; text: string }[] = [];
    for (let from = 0; from < stream.length; from += 7) {
      scanner.push(stream.subarray(from, from + 7));
      while (scanner.next()) {
        const view = scanner.buffer.subarray(scanner.start, scanner.end);
        kept.push({ view, text: view.toString('latin1') });
      }
    }
    assert.equal(kept.length, 3);
    for (const { view, text } of kept) assert.equal(view.toString('latin1'), text);
  });

  it('refuses a push before the previous chunk was consumed', () => {
    const scanner = new RequestScanner();
    scanner.push(bytes(multibulk('PING') + multibulk('PING')));
    assert.ok(scanner.next());
    assert.throws(() => scanner.push(bytes(multibulk('PING'))), /before next\(\) consumed/);
  });

  it('skips the two bytes after a bulk and the byte after a CR unchecked, as Redis does', () => {
    // Redis answers +PONG twice for this stream (see the redis-server comparison test).
    const result = scanRequests([bytes('*1\r\n$4\r\nPINGxx*1\rX$4\r\nPING\r\n')]);
    assert.deepEqual(result.commands, [['PING'], ['PING']]);
  });
});

describe('RequestScanner: inline commands', () => {
  const inline = (line: string): string[][] | string | null => {
    const result = scanRequests([bytes(line)]);
    return result.error ?? result.commands;
  };

  it('splits on blanks and re-encodes as multibulk', () => {
    const result = scanRequests([bytes('SET  key\tvalue \r\nGET key\n')]);
    assert.deepEqual(result.commands, [['SET', 'key', 'value'], ['GET', 'key']]);
    assert.deepEqual(result.raw, [multibulk('SET', 'key', 'value'), multibulk('GET', 'key')]);
  });

  it('follows sdssplitargs quoting', () => {
    assert.deepEqual(inline('SET "a b" c\r\n'), [['SET', 'a b', 'c']]);
    assert.deepEqual(inline('SET \'it\\\'s\' "q\\"q"\r\n'), [['SET', "it's", 'q"q']]);
    assert.deepEqual(inline('ECHO "\\x41\\x4a\\n\\r\\t\\b\\a\\z\\xZZ"\r\n'), [['ECHO', 'AJ\n\r\t\b\x07zxZZ']]);
    assert.deepEqual(inline("ECHO '\\n'\r\n"), [['ECHO', '\\n']]);
    assert.deepEqual(inline('ECHO a"b c" d\r\n'), [['ECHO', 'ab c', 'd']]);
    assert.deepEqual(inline('ECHO ""\r\n'), [['ECHO', '']]);
    assert.deepEqual(inline('A\rB\r\n'), [['A', 'B']], 'a CR inside the line separates arguments');
    assert.deepEqual(inline('A\vB\r\n'), [['A\vB']], 'vertical tab only counts as a blank between arguments');
  });

  it('rejects unbalanced quotes with Redis\'s error', () => {
    const error = '-ERR Protocol error: unbalanced quotes in request\r\n';
    assert.equal(inline('SET "a\r\n'), error);
    assert.equal(inline("SET 'a\r\n"), error);
    assert.equal(inline('SET "a"b\r\n'), error);
    assert.equal(inline('ECHO a"b c"d\r\n'), error);
  });

  it('ignores blank lines', () => {
    assert.deepEqual(inline('\r\n   \r\n\nPING\r\n'), [['PING']]);
  });

  it('waits for the line end, and gives up past 64 KB like Redis', () => {
    const atLimit = scanRequests([bytes('x'.repeat(64 * 1024))]);
    assert.equal(atLimit.error, null);
    assert.equal(atLimit.buffered, 64 * 1024);
    const over = scanRequests([bytes('x'.repeat(64 * 1024)), bytes('x')]);
    assert.equal(over.error, '-ERR Protocol error: too big inline request\r\n');
  });

  it('treats a NUL before the line end as Redis\'s strchr does: the line never ends', () => {
    const result = scanRequests([bytes('PING\0\r\n'), bytes('PING\r\n')]);
    assert.deepEqual(result.commands, []);
    assert.equal(result.error, null);
    const flooded = scanRequests([bytes('PING\0\r\n'), bytes('x'.repeat(64 * 1024))]);
    assert.equal(flooded.error, '-ERR Protocol error: too big inline request\r\n');
  });
});

describe('RequestScanner: malformed multibulk', () => {
  const error = (text: string, limits = {}): string | null => scanRequests([bytes(text)], limits).error;

  it('answers with redis-server\'s exact error texts', () => {
    assert.equal(error('*x\r\n'), '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(error('*2147483648\r\n'), '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(error('*-9223372036854775809\r\n'), '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(error('*+1\r\n'), '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(error('*01\r\n'), '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(error('*\r\n'), '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(error('*1\r\n$-1\r\n'), '-ERR Protocol error: invalid bulk length\r\n');
    assert.equal(error('*1\r\n$536870913\r\n'), '-ERR Protocol error: invalid bulk length\r\n');
    assert.equal(error('*1\r\n$99999999999999999999\r\n'), '-ERR Protocol error: invalid bulk length\r\n');
    assert.equal(error('*1\r\n$ 3\r\n'), '-ERR Protocol error: invalid bulk length\r\n');
    assert.equal(error('*1\r\nGET\r\n'), "-ERR Protocol error: expected '$', got 'G'\r\n");
    assert.equal(error('*1\r\n\r\n'), "-ERR Protocol error: expected '$', got ' '\r\n");
    assert.equal(error('*1\r\n\xff\r\n'), "-ERR Protocol error: expected '$', got '\xff'\r\n");
  });

  it('reports the commands before the error first', () => {
    const result = scanRequests([bytes(multibulk('GET', 'a') + '*1\r\n%3\r\n' + multibulk('GET', 'b'))]);
    assert.deepEqual(result.commands, [['GET', 'a']]);
    assert.equal(result.error, "-ERR Protocol error: expected '$', got '%'\r\n");
  });

  it('stays stopped after an error', () => {
    const scanner = new RequestScanner();
    scanner.push(bytes('*x\r\n'));
    assert.equal(scanner.next(), false);
    assert.equal(scanner.error?.code, 'INVALID_MULTIBULK_LENGTH');
    scanner.push(bytes(multibulk('PING')));
    assert.equal(scanner.next(), false);
  });

  it('gives up on a header line without CR past 64 KB', () => {
    // Redis counts every unparsed byte, the `*` included.
    assert.equal(error(`*${'1'.repeat(64 * 1024 - 1)}`), null);
    assert.equal(error(`*${'1'.repeat(64 * 1024)}`), '-ERR Protocol error: too big mbulk count string\r\n');
    assert.equal(error(`*1\r\n$${'1'.repeat(64 * 1024)}`), '-ERR Protocol error: too big bulk count string\r\n');
  });

  it('applies Redis\'s pre-AUTH limits while requireAuth is set', () => {
    const scan = (text: string): string | undefined => {
      const scanner = new RequestScanner();
      scanner.requireAuth = true;
      scanner.push(bytes(text));
      while (scanner.next());
      return scanner.error?.reply?.toString();
    };
    assert.equal(scan('*11\r\n'), '-ERR Protocol error: unauthenticated multibulk length\r\n');
    assert.equal(scan('*10\r\n'), undefined);
    assert.equal(scan('*1\r\n$16385\r\n'), '-ERR Protocol error: unauthenticated bulk length\r\n');
    assert.equal(scan('*1\r\n$16384\r\n'), undefined);
  });
});

describe('RequestScanner: limits and memory', () => {
  it('keeps only what arrived of a command that claims a 512 MB bulk', () => {
    const before = process.memoryUsage().arrayBuffers;
    const scanner = new RequestScanner();
    scanner.push(bytes('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\nabc'));
    assert.equal(scanner.next(), false);
    assert.equal(scanner.error, null);
    scanner.push(bytes('def'));
    assert.equal(scanner.next(), false);
    assert.equal(scanner.bufferedBytes, 38);
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024, 'no room reserved for the claimed bulk');
  });

  it('closes a client whose incomplete command outgrows maxQueryBuffer, without a reply (as Redis)', () => {
    const result = scanRequests([bytes('*2\r\n$3\r\nSET\r\n$5000\r\n'), bytes('x'.repeat(600)), bytes('x'.repeat(600))], { maxQueryBuffer: 1000 });
    assert.equal(result.error, 'QUERY_BUFFER_LIMIT');
  });

  it('counts the offsets of a flood of empty arguments against maxQueryBuffer', () => {
    const flood = bytes('*1000000\r\n' + '$0\r\n\r\n'.repeat(10_000));
    const chunks = splitAt(flood, Array.from({ length: 99 }, (_, i) => (i + 1) * 600));
    const result = scanRequests(chunks, { maxQueryBuffer: 64 * 1024 });
    assert.equal(result.error, 'QUERY_BUFFER_LIMIT', '60 KB of data, but 80 KB of offsets');
  });

  it('enforces a configured maxBulkLength and maxMultibulkLength', () => {
    assert.equal(scanRequests([bytes('*1\r\n$11\r\n')], { maxBulkLength: 10 }).error, '-ERR Protocol error: invalid bulk length\r\n');
    assert.equal(scanRequests([bytes(`*${1024 * 1024 + 1}\r\n`)], { maxMultibulkLength: 1024 * 1024 }).error, '-ERR Protocol error: invalid multibulk length\r\n');
    assert.equal(scanRequests([bytes(`*${1024 * 1024}\r\n`)], { maxMultibulkLength: 1024 * 1024 }).error, null);
  });

  it('rejects limits outside its offset range', () => {
    assert.throws(() => new RequestScanner({ maxQueryBuffer: 2 ** 31 }), /maxQueryBuffer/);
    assert.throws(() => new RequestScanner({ maxBulkLength: -1 }), /maxBulkLength/);
  });

  it('scans a 1M-argument command, whole or in 64 KB chunks, and releases its offset arrays after', () => {
    const count = 1024 * 1024;
    const command = Buffer.concat([bytes(`*${count + 1}\r\n$4\r\nMGET\r\n`), bytes('$1\r\nk\r\n'.repeat(count))]);
    const tail = bytes(multibulk('PING'));
    for (const chunkSize of [command.length + tail.length, 64 * 1024]) {
      const scanner = new RequestScanner();
      const stream = Buffer.concat([command, tail]);
      const argcs: number[] = [];
      for (let from = 0; from < stream.length; from += chunkSize) {
        scanner.push(stream.subarray(from, from + chunkSize));
        while (scanner.next()) {
          argcs.push(scanner.argc);
          if (scanner.argc > 1) assert.equal(scanner.buffer.toString('latin1', scanner.argStart[count], scanner.argEnd[count]), 'k');
        }
      }
      assert.deepEqual(argcs, [count + 1, 1]);
      assert.ok(scanner.argStart.length <= 16, 'offset arrays shrink back after the huge command');
    }
  });
});

describe('RequestScanner: chunk boundaries', () => {
  const stream = bytes(
    multibulk('SET', 'key:1', 'a\r\nb') +
      'PING\r\n' +
      '*0\r\n' +
      multibulk('MGET', 'k1', 'k2', 'k3') +
      'SET "quoted key" \'v\'\n' +
      '\r\n' +
      multibulk('GET', '') +
      multibulk('ECHO', 'x'.repeat(40)),
  );
  const whole = scanRequests([stream]);

  it('gives identical results at every single split point', () => {
    assert.equal(whole.commands.length, 6);
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(scanRequests(splitAt(stream, [cut])), whole, `split at ${cut}`);
    }
  });

  it('gives identical results at every pair of split points', () => {
    for (let a = 1; a < stream.length; a++) {
      for (let b = a; b < stream.length; b += 3) assert.deepEqual(scanRequests(splitAt(stream, [a, b])), whole, `split at ${a}, ${b}`);
    }
  });

  it('gives identical results fed one byte at a time', () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(scanRequests(splitAt(stream, cuts)), whole);
  });

  it('reports the same error wherever the stream is cut', () => {
    const bad = bytes(multibulk('GET', 'a') + '*2\r\n$3\r\nGET\r\nxyz\r\n');
    const expected = scanRequests([bad]);
    assert.equal(expected.error, "-ERR Protocol error: expected '$', got 'x'\r\n");
    for (let cut = 0; cut <= bad.length; cut++) assert.deepEqual(scanRequests(splitAt(bad, [cut])), expected, `split at ${cut}`);
  });
});
