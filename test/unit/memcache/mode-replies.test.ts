/**
 * The memcache mode's reply plumbing without sockets: the framer handing
 * units to requests in flight (at every chunk split), a quiet run's MN kept
 * back, and a multi-get's per-server commands and merge.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memcacheCommandMetrics } from '../../../src/modes/memcache/command-metrics.ts';
import { MemcacheFramer, type MemcacheInFlight } from '../../../src/modes/memcache/memcache-framer.ts';
import { MemcacheRequest } from '../../../src/modes/memcache/memcache-request.ts';
import { MultiGet } from '../../../src/modes/memcache/multi-get.ts';
import type { ReplySlot } from '../../../src/session/reply-slot.ts';
import type { UpstreamError } from '../../../src/upstream/errors.ts';
import { Expect, RequestKind, RequestScanner } from '../../../src/protocols/memcache/index.ts';
import { Registry } from '../../../src/metrics/registry.ts';
import { ConnectionResetError } from '../../../src/upstream/errors.ts';
import { Fifo } from '../../../src/net/fifo.ts';
import type { ServerPool } from '../../../src/upstream/server-pool.ts';
import { ServerMetrics } from '../../../src/upstream/server-metrics.ts';

const metrics = new ServerMetrics(new Registry(), 'test', 'server');
const commands = memcacheCommandMetrics(new Registry(), 'test');
const command = (kind: RequestKind) => commands.get(kind);

/** Collects finished slots' replies as text. */
function owner() {
  const done: string[] = [];
  return {
    done,
    gone: false,
    completed(slot: ReplySlot) {
      done.push(Array.isArray(slot.bytes) ? Buffer.concat(slot.bytes).toString('latin1') : slot.bytes.toString('latin1'));
    },
    failure: (error: UpstreamError) => Buffer.from(`SERVER_ERROR ${error.clientText}\r\n`),
  };
}

function feedSplit(text: string, at: number, queue: Fifo<MemcacheInFlight>): string | null {
  const framer = new MemcacheFramer();
  const bytes = Buffer.from(text, 'latin1');
  return framer.feed(bytes.subarray(0, at), queue) ?? framer.feed(bytes.subarray(at), queue);
}

describe('MemcacheFramer', () => {
  const replies = 'STORED\r\nVALUE a 0 3\r\nabc\r\nVALUE b 0 1\r\nx\r\nEND\r\nVA 2 Oq\r\nhi\r\nNF O2\r\nMN\r\nEND\r\n';
  it('gives every request its whole reply, wherever the chunk is cut, and keeps a quiet run\'s MN', () => {
    for (let at = 0; at <= replies.length; at++) {
      const sink = owner();
      const queue = new Fifo<MemcacheInFlight>();
      queue.push(new MemcacheRequest(sink, command(RequestKind.set), Expect.one, metrics));
      queue.push(new MemcacheRequest(sink, command(RequestKind.get), Expect.untilEnd, metrics));
      queue.push(new MemcacheRequest(sink, command(RequestKind.mg), Expect.quiet, metrics));
      queue.push(new MemcacheRequest(sink, command(RequestKind.get), Expect.untilEnd, metrics));
      assert.equal(feedSplit(replies, at, queue), null);
      assert.deepEqual(sink.done, ['STORED\r\n', 'VALUE a 0 3\r\nabc\r\nVALUE b 0 1\r\nx\r\nEND\r\n', 'VA 2 Oq\r\nhi\r\nNF O2\r\n', 'END\r\n'], `split at ${at}`);
      assert.equal(queue.length, 0);
    }
  });

  it('reports a reply nobody asked for and a malformed reply', () => {
    assert.match(new MemcacheFramer().feed(Buffer.from('STORED\r\n'), new Fifo()) ?? '', /nobody asked/);
    const queue = new Fifo<MemcacheInFlight>();
    queue.push(new MemcacheRequest(owner(), command(RequestKind.get), Expect.untilEnd, metrics));
    assert.match(new MemcacheFramer().feed(Buffer.from('VALUE a 0 x\r\n'), queue) ?? '', /malformed/);
  });

  it('fails every request of a quiet run when its server fails', () => {
    const sink = owner();
    const run = new MemcacheRequest(sink, command(RequestKind.mg), Expect.quiet, metrics);
    run.requests = 3;
    run.fail(new ConnectionResetError('s:1', 'ECONNRESET'));
    assert.deepEqual(sink.done, ['SERVER_ERROR Connection reset by peer (s:1: ECONNRESET)\r\n'.repeat(3)]);
  });
});

describe('MultiGet', () => {
  function scan(line: string) {
    const scanner = new RequestScanner();
    scanner.push(Buffer.from(line, 'latin1'));
    assert.ok(scanner.next());
    return scanner.request;
  }
  /** A pool of two servers that records what is sent to each. */
  function pool() {
    const sent: Array<{ server: number; bytes: string; part: MemcacheInFlight }> = [];
    const fake = {
      servers: [{ metrics }, { metrics }],
      connection: (server: number) => ({ send: (part: MemcacheInFlight, bytes: Buffer) => sent.push({ server, bytes: bytes.toString('latin1'), part }) }),
    };
    return { sent, pool: fake as unknown as ServerPool<MemcacheInFlight> };
  }
  function answer(part: MemcacheInFlight, text: string): void {
    const queue = new Fifo<MemcacheInFlight>();
    queue.push(part);
    assert.equal(new MemcacheFramer().feed(Buffer.from(text, 'latin1'), queue), null);
  }

  it('sends each server only its keys and merges the values back in the client\'s key order', () => {
    const sink = owner();
    const { sent, pool: servers } = pool();
    const get = new MultiGet(sink, scan('gat 100 a b c a d\r\n'), command(RequestKind.gat), Int32Array.of(0, 1, 0, 0, 1), servers);
    get.send(servers, 1);
    assert.deepEqual(sent.map((s) => [s.server, s.bytes]), [[0, 'gat 100 a c a\r\n'], [1, 'gat 100 b d\r\n']]);
    answer(sent[1]!.part, 'VALUE d 0 1\r\nD\r\nEND\r\n');
    assert.deepEqual(sink.done, [], 'waits for every server');
    answer(sent[0]!.part, 'VALUE a 0 1\r\nA\r\nVALUE a 0 1\r\nA\r\nEND\r\n');
    assert.deepEqual(sink.done, ['VALUE a 0 1\r\nA\r\nVALUE a 0 1\r\nA\r\nVALUE d 0 1\r\nD\r\nEND\r\n']);
  });

  it('answers a server\'s failure or error line instead of a partial list', () => {
    for (const [failure, expected] of [['ECONNRESET', 'SERVER_ERROR Connection reset by peer (s:1: ECONNRESET)\r\n'], [null, 'SERVER_ERROR out of memory\r\n']] as const) {
      const sink = owner();
      const { sent, pool: servers } = pool();
      new MultiGet(sink, scan('get a b\r\n'), command(RequestKind.get), Int32Array.of(0, 1), servers).send(servers, 1);
      answer(sent[0]!.part, 'VALUE a 0 1\r\nA\r\nEND\r\n');
      if (failure) sent[1]!.part.fail(new ConnectionResetError('s:1', failure));
      else answer(sent[1]!.part, 'SERVER_ERROR out of memory\r\n');
      assert.deepEqual(sink.done, [expected]);
    }
  });
});

describe('memcache command metrics', () => {
  it('makes a kind\'s series on first use, under memcached\'s command names, without an error counter', () => {
    const registry = new Registry();
    const table = memcacheCommandMetrics(registry, 'cache');
    assert.deepEqual(registry.snapshot(), [], 'nothing listed before a command is seen');
    const get = table.get(RequestKind.get);
    assert.equal(table.get(RequestKind.get), get, 'one series per kind');
    assert.equal(get.errors, null);
    get.calls.value++;
    get.duration.observe(0.002);
    table.get(RequestKind.invalid);
    table.get(RequestKind.flushAll);
    const families = registry.snapshot();
    assert.deepEqual(families.map((f) => [f.name, f.samples.map((s) => s.labels.command)]), [
      ['padda_memcache_commands_total', ['get', 'bad_input', 'flush_all']],
      ['padda_memcache_command_duration_seconds', ['get', 'bad_input', 'flush_all']],
    ]);
    assert.deepEqual([families[0]!.samples[0]!.value, families[1]!.samples[0]!.counts!.reduce((a, b) => a + b)], [1, 1]);
  });
});
