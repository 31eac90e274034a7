/**
 * Bounded, deterministic fuzzing of the memcache request and reply scanners:
 * garbage mixed with protocol fragments, cut into random chunks. Nothing may
 * throw, every request must be a defined kind (bad input only as `invalid`
 * with one of memcached's replies), next() must stop, the bytes held must
 * stay bounded, and the chunking must not change the result.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as replies from '../../src/protocols/memcache/replies.ts';
import { ReplyKind } from '../../src/protocols/memcache/reply-kind.ts';
import { ReplyScanner } from '../../src/protocols/memcache/reply-scanner.ts';
import { RequestKind } from '../../src/protocols/memcache/request-kind.ts';
import { RequestScanner } from '../../src/protocols/memcache/request-scanner.ts';
import { randomChunks, seededRandom as random } from '../support/seeded-random.ts';

const requestFragments = [
  'get ', 'gets ', 'gat 10 ', 'set k 0 0 ', 'ms k ', 'mg k ', 'md k q', 'ma k ', 'mn', 'me k', 'cas k 0 0 3 ', 'delete k ',
  'incr k ', 'touch k ', 'noreply', ' v', ' q', ' b', ' O', ' T', ' M', ' F', ' C', ' k', '0', '3', '-1', '99999999999',
  '4294967297', '2147483648', '\r\n', '\n', '\r', ' ', '\0', '\t', '\x80', 'HTTP/1.1', 'version', 'quit', 'flush_all', 'stats',
  // whole commands, so that data blocks, swallowing and bad chunks are reached too
  'set k 0 0 3\r\nabc\r\n', 'ms k 2 T0 q\r\nhi\r\n', 'set k 0 0 5000\r\n', 'ms k 3000 b\r\n', 'cas k 0 0 1 5 noreply\r\nx\r\n',
];
const replyFragments = [
  'VALUE k 0 ', 'VA ', 'END', 'STORED', 'HD', 'EN', 'NF', 'MN', 'ME k ', 'STAT x ', 'ERROR', 'CLIENT_ERROR ', 'SERVER_ERROR ',
  ' O1', ' k', ' b', '3', '0', '12', ' ', '\r\n', '\n', 'abc', '\x00',
  'VALUE k 0 3\r\nabc\r\n', 'VA 2 O1 kx\r\nhi\r\n', 'VALUE k 0 5000\r\n',
];

function generate(next: () => number, fragments: readonly string[], maxLength: number): Buffer {
  const parts: Buffer[] = [];
  let length = 0;
  const target = Math.floor(next() * maxLength);
  while (length < target) {
    const part =
      next() < 0.7
        ? Buffer.from(fragments[Math.floor(next() * fragments.length)], 'latin1')
        : Buffer.from(Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 256)));
    parts.push(part);
    length += part.length;
  }
  return Buffer.concat(parts);
}

const knownReplies = new Set(Object.values(replies).filter((value) => Buffer.isBuffer(value)).map((b) => (b as Buffer).toString('latin1')));
const ITEM_SIZE_MAX = 2048;
const MAX_GET_LINE = 8192;
const MAX_CHUNK = 97;

function scanRequestChunks(chunks: readonly Buffer[], inputLength: number): string[] {
  const scanner = new RequestScanner({ itemSizeMax: ITEM_SIZE_MAX, maxGetLineBytes: MAX_GET_LINE });
  const out: string[] = [];
  for (const piece of chunks) {
    scanner.push(piece);
    while (scanner.next()) {
      const r = scanner.request;
      assert.ok(r.kind >= RequestKind.invalid && r.kind <= RequestKind.admin);
      if (r.kind === RequestKind.invalid) assert.ok(knownReplies.has(r.reply.toString('latin1')), r.reply.toString('latin1'));
      for (let i = 0; i < r.keyCount; i++) assert.ok(r.keyStart(i) < r.keyEnd(i) && r.keyEnd(i) <= r.buffer.length);
      out.push(`${r.kind} ${r.expect} ${r.close} ${r.reply.toString('latin1')} ${r.kind === 0 ? '' : r.buffer.toString('latin1', r.start, r.end)}`);
      assert.ok(out.length <= inputLength + 1, 'next() keeps producing requests: a loop');
    }
    assert.ok(scanner.buffered <= MAX_GET_LINE + ITEM_SIZE_MAX + 2 * MAX_CHUNK, `holds ${scanner.buffered} bytes`);
  }
  return out;
}

function scanReplyChunks(chunks: readonly Buffer[], inputLength: number): string[] {
  const scanner = new ReplyScanner({ maxValueBytes: 4096, maxLineBytes: 1024 });
  const out: string[] = [];
  for (const piece of chunks) {
    scanner.push(piece);
    while (scanner.next()) {
      const u = scanner.reply;
      assert.ok(u.kind >= ReplyKind.malformed && u.kind <= ReplyKind.line);
      out.push(`${u.kind} ${u.kind === ReplyKind.malformed ? '' : u.buffer.toString('latin1', u.start, u.end)}`);
      assert.ok(out.length <= inputLength + 1, 'next() keeps producing replies: a loop');
    }
    assert.ok(scanner.buffered <= 1024 + 4096 + 2 + 2 * MAX_CHUNK, `holds ${scanner.buffered} bytes`);
  }
  return out;
}

/** 1500 seeded streams of `fragments`, each scanned whole and in random chunks: the results must match. */
function chunkingChangesNothing(seed: number, fragments: readonly string[], scan: (chunks: readonly Buffer[], inputLength: number) => string[]): void {
  const next = random(seed);
  for (let round = 0; round < 1500; round++) {
    const input = generate(next, fragments, 1500);
    const whole = scan([input], input.length);
    assert.deepEqual(scan(randomChunks(next, input, MAX_CHUNK), input.length), whole, `round ${round}`);
  }
}

describe('fuzz: memcache scanners', () => {
  it('request scanner: 1500 random streams, random chunking changes nothing', () => {
    chunkingChangesNothing(0x5eed, requestFragments, scanRequestChunks);
  });

  it('reply scanner: 1500 random streams, random chunking changes nothing', () => {
    chunkingChangesNothing(0xbeef, replyFragments, scanReplyChunks);
  });

  it('pure random bytes never throw', () => {
    const next = random(42);
    for (let round = 0; round < 300; round++) {
      const input = Buffer.from(Array.from({ length: Math.floor(next() * 4000) }, () => Math.floor(next() * 256)));
      scanRequestChunks(randomChunks(next, input, 500), input.length);
      scanReplyChunks(randomChunks(next, input, 500), input.length);
    }
  });
});
