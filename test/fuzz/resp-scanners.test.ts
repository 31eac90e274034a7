/**
 * Bounded, deterministic fuzzing of the RESP request and reply scanners:
 * protocol fragments mixed with garbage, cut into random chunks. Nothing may
 * throw, next()/scan() must stop, bad input may only end in a defined
 * ProtocolError, the bytes held must stay within the limits, and (where the
 * limits cannot be reached) the chunking must not change the result.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../src/protocols/resp/protocol-error.ts';
import { RequestScanner } from '../../src/protocols/resp/request-scanner.ts';
import { scanReplies, scanRequests } from '../support/resp-collect.ts';
import { randomChunks, seededRandom } from '../support/seeded-random.ts';

const REQUEST_FRAGMENTS = [
  '*1\r\n', '*2\r\n', '*3\r\n', '*0\r\n', '*-1\r\n', '*', '$3\r\n', '$1\r\n', '$0\r\n', '$-1\r\n', '$', 'GET', 'SET', 'k', 'v', '\r\n',
  '\r', '\n', ' ', '"', "'", '\\', '\\x4', '\0', '\t', '\xff', '+', '-', ':', '99999999999999999999', '2147483648', '536870913',
  'PING\r\n', '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n',
];
const REPLY_FRAGMENTS = [
  '+OK\r\n', '-ERR x\r\n', ':1\r\n', '$3\r\nabc\r\n', '$-1\r\n', '*2\r\n', '*-1\r\n', '%1\r\n', '~1\r\n', '|1\r\n', '>2\r\n', '_\r\n',
  '#t\r\n', ',1.5\r\n', '(1\r\n', '!3\r\nerr\r\n', '=5\r\ntxt:a\r\n', '$', '*', '\r\n', '\r', '\n', '-', '1', '0', 'x', '?', '\0',
];

function generate(next: () => number, fragments: readonly string[], maxLength: number): Buffer {
  const parts: string[] = [];
  let length = 0;
  while (length < maxLength * next()) {
    const part = next() < 0.85 ? fragments[Math.floor(next() * fragments.length)] : String.fromCharCode(Math.floor(next() * 256));
    parts.push(part);
    length += part.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** Up to 24 bytes per chunk, so that most headers and bulks are cut. */
const MAX_CHUNK = 24;

const KNOWN_CODES = new Set([
  'INVALID_MULTIBULK_LENGTH', 'INVALID_BULK_LENGTH', 'TOO_BIG_MULTIBULK_COUNT', 'TOO_BIG_BULK_COUNT', 'TOO_BIG_INLINE_REQUEST',
  'UNBALANCED_QUOTES', 'EXPECTED_DOLLAR', 'QUERY_BUFFER_LIMIT',
]);

describe('RESP request scanner fuzz', () => {
  it('gives the same commands and error however 3000 random streams are cut', () => {
    const next = seededRandom(0x5ca1ab1e);
    for (let round = 0; round < 3000; round++) {
      const input = generate(next, REQUEST_FRAGMENTS, 400);
      const whole = scanRequests([input]);
      assert.deepEqual(scanRequests(randomChunks(next, input, MAX_CHUNK)), whole, `round ${round}: ${JSON.stringify(input.toString('latin1'))}`);
    }
  });

  it('never throws, always stops, and holds no more than its limits under tight limits', () => {
    const next = seededRandom(0xdecafbad);
    const limits = { maxInlineLength: 64, maxBulkLength: 200, maxQueryBuffer: 512 };
    for (let round = 0; round < 3000; round++) {
      const input = generate(next, REQUEST_FRAGMENTS, 1500);
      const scanner = new RequestScanner(limits);
      for (const chunk of randomChunks(next, input, MAX_CHUNK)) {
        scanner.push(Buffer.from(chunk));
        let steps = 0;
        while (scanner.next()) assert.ok(++steps <= chunk.length, 'each command consumes input');
        assert.ok(scanner.bufferedBytes <= limits.maxQueryBuffer, `round ${round}: holds ${scanner.bufferedBytes} bytes`);
        if (scanner.error !== null) {
          assert.ok(scanner.error instanceof ProtocolError);
          assert.ok(KNOWN_CODES.has(scanner.error.code), scanner.error.code);
          break;
        }
      }
    }
  });
});

describe('RESP reply scanner fuzz', () => {
  it('gives the same replies, or the same error, however 3000 random streams are cut', () => {
    const next = seededRandom(0xfeedface);
    for (let round = 0; round < 3000; round++) {
      const input = generate(next, REPLY_FRAGMENTS, 300);
      const whole = scanReplies([input]);
      assert.deepEqual(scanReplies(randomChunks(next, input, MAX_CHUNK)), whole, `round ${round}: ${JSON.stringify(input.toString('latin1'))}`);
      assert.ok(input.toString('latin1').startsWith(whole.replies.join('')), 'the replies are the stream\'s own bytes, in order, none skipped');
    }
  });
});
