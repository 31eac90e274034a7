/**
 * Differential fuzzing against a real redis-server: pipelines of harmless
 * commands (multibulk and inline), damaged by a few random byte edits, are
 * sent to the server and scanned by padda. Every command gets exactly one
 * reply from the server, so the number of replies must equal the commands
 * padda found, plus the protocol error padda predicts (same text, and the
 * server closes the connection) — or none, with the connection left open.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchange } from '../support/quiet-exchange.ts';
import { scanReplies, scanRequests } from '../support/resp-collect.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { startRedis, type RunningServer } from '../support/servers.ts';

const COMMANDS = [['PING'], ['PING', 'hello'], ['GET', 'fuzz:a'], ['SET', 'fuzz:a', 'value'], ['EXISTS', 'fuzz:a', 'fuzz:b'], ['ECHO', 'x y'], ['DEL', 'fuzz:b']];
/** Bytes whose insertion is most likely to move a boundary. */
const EDIT_BYTES = ['\r', '\n', '*', '$', '"', "'", ' ', '\0', '-', '0', '9', '\\', 'x'];
const CASES = 300;
const PARALLEL = 20;

function pipeline(next: () => number): string {
  let text = '';
  const count = 1 + Math.floor(next() * 5);
  for (let i = 0; i < count; i++) {
    const args = COMMANDS[Math.floor(next() * COMMANDS.length)];
    text += next() < 0.7
      ? `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`
      : `${args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}\r\n`;
  }
  return text;
}

function damage(next: () => number, text: string): string {
  let out = text;
  const edits = Math.floor(next() * 4);
  for (let i = 0; i < edits && out.length > 0; i++) {
    const at = Math.floor(next() * out.length);
    const byte = EDIT_BYTES[Math.floor(next() * EDIT_BYTES.length)];
    const kind = next();
    if (kind < 0.4) out = out.slice(0, at) + byte + out.slice(at + 1);
    else if (kind < 0.7) out = out.slice(0, at) + byte + out.slice(at);
    else if (kind < 0.9) out = out.slice(0, at) + out.slice(at + 1);
    else out = out.slice(0, at);
  }
  return out;
}

describe('request scanner vs redis-server on damaged pipelines', () => {
  let redis: RunningServer;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis?.stop());

  it(`agrees on commands and protocol errors for ${CASES} seeded cases`, async () => {
    const next = seededRandom(0xbadc0de);
    const inputs = Array.from({ length: CASES }, () => Buffer.from(damage(next, pipeline(next)), 'latin1'));
    for (let batch = 0; batch < inputs.length; batch += PARALLEL) {
      await Promise.all(inputs.slice(batch, batch + PARALLEL).map(async (input) => {
        const padda = scanRequests([input]);
        const server = await exchange(redis.port, [input], 100);
        const replies = scanReplies([server.reply]).replies;
        const context = JSON.stringify(input.toString('latin1'));
        assert.equal(replies.length, padda.commands.length + (padda.error === null ? 0 : 1), `reply count for ${context}`);
        if (padda.error !== null) assert.equal(replies.at(-1), padda.error, `error text for ${context}`);
        assert.equal(server.closed, padda.error !== null, `connection closed for ${context}`);
      }));
    }
  });
});
