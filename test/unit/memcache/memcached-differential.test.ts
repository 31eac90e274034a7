/**
 * Bad input sent over a raw socket to a real memcached 1.6.18 and to the
 * scanner: the scanner's replies for rejected requests, interleaved with
 * the replies memcached gives to the valid ones (listed per case), must be
 * memcached's bytes exactly, and the scanner must close where it closes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchange } from '../../support/quiet-exchange.ts';
import { startMemcached, type RunningServer } from '../../support/servers.ts';
import { badInputCases as cases, VERSION, type Case } from '../../support/memcache-bad-input.ts';
import { scanRequests } from './scan-helpers.ts';

function chunksOf(parts: Case['parts']): Buffer[] {
  return parts.filter((part) => typeof part === 'string' || Buffer.isBuffer(part)).map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part));
}

describe('bad input: scanner vs a real memcached 1.6.18', () => {
  let server: RunningServer;
  let versionLine = '';
  before(async () => {
    server = await startMemcached();
    versionLine = (await exchange(server.port, ['version\r\n'])).reply.toString('latin1');
  });
  after(() => server?.stop());

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const requests = scanRequests(chunksOf(testCase.parts));
      const validReplies = (testCase.valid ?? []).map((reply) => (reply === VERSION ? versionLine : reply));
      let expected = '';
      for (const request of requests) {
        if (request.kind === 'invalid') expected += request.reply;
        else if (request.expect !== 0) expected += validReplies.shift() ?? `<no reply listed for ${request.kind}>`;
      }
      const actual = await exchange(server.port, testCase.parts);
      assert.equal(JSON.stringify(actual.reply.toString('latin1')), JSON.stringify(expected));
      assert.equal(requests.some((r) => r.close), actual.closed, 'closes the connection as memcached does');
      assert.deepEqual(validReplies, [], 'every listed valid reply was used');
    });
  }

  it('binary magic byte first: memcached switches to its binary protocol, the scanner closes', async () => {
    const header = Buffer.alloc(24);
    header[0] = 0x80;
    header[1] = 0x0b; // version
    const actual = await exchange(server.port, [header]);
    assert.equal(actual.reply[0], 0x81, 'memcached answers with a binary response');
    const [request] = scanRequests([header]);
    assert.deepEqual([request.kind, request.reply, request.close], ['invalid', '', true]);
  });

  it('a line over 2048 bytes arriving at once is parsed, as memcached does', async () => {
    const line = `set ${'x'.repeat(3000)} 0 0 1\r\nz\r\n`;
    const actual = await exchange(server.port, [line]);
    assert.equal(actual.reply.toString(), 'CLIENT_ERROR bad command line format\r\nERROR\r\n');
    const requests = scanRequests([Buffer.from(line)]);
    assert.deepEqual(requests.map((r) => [r.kind, r.reply, r.close]), [
      ['invalid', 'CLIENT_ERROR bad command line format\r\n', false],
      ['invalid', 'ERROR\r\n', false],
    ]);
  });
});
