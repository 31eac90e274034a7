import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RespFramer } from '../../../src/modes/redis/resp-framer.ts';
import { Fifo } from '../../../src/net/fifo.ts';
import type { InFlight } from '../../../src/upstream/in-flight.ts';

class Waiting implements InFlight {
  sentAt = 0;
  got: string | null = null;
  abandoned = false;
  reply(bytes: Buffer): void {
    this.got = bytes.toString('latin1');
  }
  fail(): void {}
}

const REPLIES = ['+OK\r\n', '$5\r\nhello\r\n', '$-1\r\n', ':42\r\n', '*2\r\n$1\r\na\r\n*1\r\n:1\r\n', '-ERR no\r\n', `$300\r\n${'x'.repeat(300)}\r\n`];
const STREAM = Buffer.from(REPLIES.join(''), 'latin1');

function queueOf(count: number): { queue: Fifo<Waiting>; requests: Waiting[] } {
  const queue = new Fifo<Waiting>(2);
  const requests = Array.from({ length: count }, () => new Waiting());
  for (const request of requests) queue.push(request);
  return { queue, requests };
}

test('every split point of a pipelined reply stream gives each request its own reply, in order', () => {
  for (let a = 0; a <= STREAM.length; a++) {
    for (const b of [a, Math.min(STREAM.length, a + 1), Math.min(STREAM.length, a + 7)]) {
      const framer = new RespFramer<Waiting>();
      const { queue, requests } = queueOf(REPLIES.length);
      for (const chunk of [STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]) assert.equal(framer.feed(chunk, queue), null);
      assert.deepEqual(requests.map((r) => r.got), REPLIES, `split at ${a}, ${b}`);
      assert.equal(queue.length, 0);
    }
  }
});

test('a reply for an abandoned request is skipped, not assembled, and the next one is intact', () => {
  const framer = new RespFramer<Waiting>();
  const { queue, requests } = queueOf(2);
  requests[0]!.abandoned = true;
  const big = `$100000\r\n${'v'.repeat(100_000)}\r\n`;
  const stream = Buffer.from(`${big}+NEXT\r\n`, 'latin1');
  for (let at = 0; at < stream.length; at += 4096) assert.equal(framer.feed(stream.subarray(at, at + 4096), queue), null);
  assert.equal(requests[0]!.got, '', 'the abandoned reply was delivered as bytes');
  assert.equal(requests[1]!.got, '+NEXT\r\n');
});

test('a reply nobody asked for, or bytes that are not RESP, break the stream with a reason', () => {
  assert.match(new RespFramer<Waiting>().feed(Buffer.from('+OK\r\n'), new Fifo<Waiting>()) ?? '', /a reply nobody asked for/);
  const { queue } = queueOf(1);
  assert.match(new RespFramer<Waiting>().feed(Buffer.from('?what\r\n'), queue) ?? '', /^protocol error: /);
  const truncated = queueOf(1);
  const framer = new RespFramer<Waiting>();
  assert.equal(framer.feed(Buffer.from('$10\r\nabc'), truncated.queue), null);
  assert.equal(truncated.requests[0]!.got, null, 'a truncated reply is held, not delivered');
  framer.reset();
  assert.equal(framer.feed(Buffer.from('+fresh\r\n'), truncated.queue), null);
  assert.equal(truncated.requests[0]!.got, '+fresh\r\n', 'reset forgets the partial reply');
});

test('a reply that outgrows the limit breaks the stream instead of being held without end', () => {
  const framer = new RespFramer<Waiting>(1000);
  const { queue, requests } = queueOf(1);
  assert.equal(framer.feed(Buffer.from(`$5000\r\n${'x'.repeat(900)}`), queue), null);
  assert.match(framer.feed(Buffer.from('y'.repeat(200)), queue) ?? '', /^protocol error: a reply larger than 1000 bytes$/);
  assert.equal(requests[0]!.got, null);
});
