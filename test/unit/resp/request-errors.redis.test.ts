/**
 * The request scanner against a real redis-server: the same bytes are sent to
 * the server over a raw socket and scanned by padda. Only PING is used, whose
 * reply is predictable from the parsed arguments (+PONG, or its one argument
 * echoed as a bulk), so a difference in where a command ends, in how an
 * argument was decoded, or in the error text shows up as a byte difference.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchange } from '../../support/quiet-exchange.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';
import { scanRequests } from '../../support/resp-collect.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** What redis-server should answer, derived from padda's parse. */
function expectedReply(input: Buffer): { reply: string; closed: boolean } {
  const result = scanRequests([input]);
  const replies = result.commands.map((args) => {
    if (args.length === 1) return '+PONG\r\n';
    if (args.length === 2) return `$${args[1].length}\r\n${args[1]}\r\n`;
    return "-ERR wrong number of arguments for 'ping' command\r\n";
  });
  return { reply: replies.join('') + (result.error ?? ''), closed: result.error !== null };
}

const CASES: Record<string, Buffer> = {
  'pipelined multibulk and inline': bytes('*1\r\n$4\r\nPING\r\nPING\r\nping hello\r\n*2\r\n$4\r\nPING\r\n$3\r\na\r\n\r\n'),
  'empty multibulk counts': bytes('*0\r\n*-1\r\n*-9223372036854775808\r\nPING\r\n'),
  'inline double quotes and escapes': bytes('PING "a b\\x41\\n\\"\\z"\r\n'),
  'inline single quotes': bytes("PING 'it\\'s \\n'\r\n"),
  'inline quote inside a token': bytes('PING a"b c"\r\n'),
  'inline CR as a separator': bytes('PING\ra\r\n'),
  'inline vertical tab inside a token': bytes('PING a\vb\r\n'),
  'inline blank lines': bytes('\r\n  \r\n\nPING\n'),
  'unbalanced double quote': bytes('PING "a\r\n'),
  'unbalanced single quote': bytes("PING 'a\r\n"),
  'closing quote followed by a letter': bytes('PING "a"b\r\n'),
  'inline escaped closing double quote': bytes('PING "a\\"\r\n'),
  'inline escaped closing single quote': bytes("PING 'a\\'\r\n"),
  'inline escaped backslash before the closing quote': bytes('PING "a\\\\"\r\nPING \'b\\\\\'\r\n'),
  'inline hex escape cut short': bytes('PING "\\x4"\r\nPING "\\x"\r\nPING "a\\x4g"\r\n'),
  'inline escapes outside quotes and in single quotes': bytes("PING a\\nb\r\nPING '\\x41'\r\n"),
  'inline quotes right after quotes': bytes("PING \"\"''\r\n"),
  'inline NUL inside quotes hides the line end': bytes('PING "a\0b"\r\n'),
  'count not a number': bytes('*x\r\n'),
  'count with plus sign': bytes('*+1\r\n'),
  'count with leading zero': bytes('*01\r\n'),
  'count empty': bytes('*\r\n'),
  'count above INT_MAX': bytes('*2147483648\r\n'),
  'count below LLONG_MIN': bytes('*-9223372036854775809\r\n'),
  'count at INT_MAX waits': bytes('*2147483647\r\n'),
  'bulk length negative': bytes('*1\r\n$-1\r\n'),
  'bulk length above 512 MB': bytes('*1\r\n$536870913\r\n'),
  'bulk length 512 MB waits': bytes('*1\r\n$536870912\r\n'),
  'bulk length absurd': bytes('*1\r\n$99999999999999999999\r\n'),
  'bulk length with space': bytes('*1\r\n$ 4\r\nPING\r\n'),
  'wrong type byte': bytes('*1\r\n:4\r\nPING\r\n'),
  'wrong type byte, a letter': bytes('*1\r\nPING\r\n'),
  'wrong type byte, CR': bytes('*1\r\n\r\n'),
  'wrong type byte, LF': bytes('*1\r\n\nx\r\n'),
  'wrong type byte, non-ASCII': bytes('*1\r\n\xe9\r\n'),
  'error after good commands': bytes('PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n+PING\r\n'),
  'missing CRLF after a bulk is skipped unchecked': bytes('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n'),
  'missing LF after a count is skipped unchecked': bytes('*1\rX$4\r\nPING\r\n'),
  'half-sent command': bytes('*2\r\n$4\r\nPING\r\n$10\r\nabc'),
  'NUL hides the line end of a count': bytes('*1\0\r\n$4\r\nPING\r\n'),
  'NUL hides the line end of an inline command': bytes('PING\0\r\nPING\r\n'),
  'binary argument': bytes('*2\r\n$4\r\nPING\r\n$5\r\n\0\r\n\xff\x01\r\n'),
  'inline request over 64 KB': bytes('PING ' + 'x'.repeat(70 * 1024)),
  'count line over 64 KB': bytes('*' + '1'.repeat(70 * 1024)),
  'bulk header over 64 KB': bytes('*1\r\n$' + '1'.repeat(70 * 1024)),
};

describe('request scanner vs redis-server 7.0', { concurrency: true }, () => {
  let redis: RunningServer;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis?.stop());

  for (const [name, input] of Object.entries(CASES)) {
    it(name, async () => {
      const actual = await exchange(redis.port, [input], 100);
      const expected = expectedReply(input);
      assert.equal(actual.reply.toString('latin1'), expected.reply);
      assert.equal(actual.closed, expected.closed);
    });
  }

  it('accepts a 1M-argument command as redis-server 7 does', async () => {
    const count = 1024 * 1024;
    // ECHO's arity error is the same whatever the count, and proves the server parsed it whole.
    const input = Buffer.concat([bytes(`*${count}\r\n$4\r\nECHO\r\n`), bytes('$1\r\nk\r\n'.repeat(count - 1)), bytes('PING\r\n')]);
    const scanned = scanRequests([input]);
    assert.deepEqual(scanned.commands.map((c) => c.length), [count, 1]);
    const expected = "-ERR wrong number of arguments for 'echo' command\r\n+PONG\r\n";
    // A loaded machine's redis-server can take over a second to parse 1M arguments: wait for the reply itself.
    const actual = await exchange(redis.port, [input, { awaitBytes: expected.length }], 200);
    assert.equal(actual.reply.toString('latin1'), expected);
  });
});
