import { replies, type Expect, type ReplyKind, type ScannedReply } from '../../protocols/memcache/index.ts';
import type { UpstreamError } from '../../upstream/errors.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';
import { ReplySlot } from './reply-slot.ts';

/**
 * A client request sent as several server requests (a multi-get split by
 * server, a broadcast) whose replies are merged into one once all are in.
 * Every part must exist before any is sent, so that an early answer cannot
 * look like the last one.
 */
export abstract class FanOut extends ReplySlot {
  #pending = 0;

  protected part(expect: Expect, server: ServerMetrics): Fragment {
    this.#pending++;
    return new Fragment(this, expect, server);
  }

  partDone(): void {
    if (--this.#pending === 0) this.finish(this.merge());
  }

  protected abstract merge(): Buffer | Buffer[];
}

/** One server's share of a FanOut, holding that server's reply until the merge. */
export class Fragment implements MemcacheInFlight {
  sentAt = 0;
  readonly expect: Expect;
  /** VALUE units, each its own view: the merge interleaves them by key. */
  values: Buffer[] = [];
  /** Index of the next value the merge has not taken. */
  taken = 0;
  /** The unit that ended the reply (END, OK, an error line), and its kind when it came as a unit. */
  ending: Buffer = replies.NO_REPLY;
  endKind: ReplyKind | -1 = -1;
  failure: UpstreamError | null = null;
  readonly #parent: FanOut;
  readonly #server: ServerMetrics;

  constructor(parent: FanOut, expect: Expect, server: ServerMetrics) {
    this.#parent = parent;
    this.expect = expect;
    this.#server = server;
  }

  reply(bytes: Buffer): void {
    this.ending = bytes;
    this.#answered();
  }

  unit(reply: ScannedReply): void {
    this.values.push(reply.buffer.subarray(reply.start, reply.end));
  }

  end(reply: ScannedReply): void {
    this.ending = reply.buffer.subarray(reply.start, reply.end);
    this.endKind = reply.kind;
    this.#answered();
  }

  fail(error: UpstreamError): void {
    this.failure = error;
    this.#parent.partDone();
  }

  #answered(): void {
    this.#server.answered(performance.now() - this.sentAt);
    this.#parent.partDone();
  }
}
