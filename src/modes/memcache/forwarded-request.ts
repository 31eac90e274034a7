import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { Expect, replies, type ScannedReply } from '../../protocols/memcache/index.ts';
import type { UpstreamError } from '../../upstream/errors.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';
import { ReplySlot, type SlotOwner } from './reply-slot.ts';
import { ReplyUnits } from './reply-units.ts';

/**
 * A request that goes to one server whole: its own InFlight and its own
 * reply slot, so the common single-key command costs one object. A quiet
 * run — consecutive meta `q` requests of one client to one server, sent
 * with one `mn` behind them — is one of these too: everything the server
 * sends before its MN is the run's reply, and the MN is padda's own.
 */
export class ForwardedRequest extends ReplySlot implements MemcacheInFlight {
  sentAt = 0;
  readonly expect: Expect;
  /** How many client requests this stands for: more than one only for a quiet run. */
  requests = 1;
  readonly #server: ServerMetrics;
  #units: ReplyUnits | null = null;

  constructor(owner: SlotOwner, command: CommandSeries, expect: Expect, server: ServerMetrics) {
    super(owner, command);
    this.expect = expect;
    this.#server = server;
  }

  reply(bytes: Buffer): void {
    this.#answered();
    this.finish(bytes);
  }

  unit(reply: ScannedReply): void {
    (this.#units ??= new ReplyUnits()).add(reply.buffer, reply.start, reply.end);
  }

  end(reply: ScannedReply): void {
    this.#answered();
    if (this.expect !== Expect.quiet) this.unit(reply);
    this.finish(this.#units?.take() ?? replies.NO_REPLY);
  }

  /**
   * Whatever part of the reply arrived is dropped: a client must not take a
   * cut-off VALUE list for a complete one. Each request of a quiet run gets
   * the error, as each would have from memcached, whose quiet mode never
   * hides a failure.
   */
  fail(error: UpstreamError): void {
    const reply = replies.serverError(error.clientText);
    this.finish(this.requests === 1 ? reply : new Array<Buffer>(this.requests).fill(reply));
  }

  #answered(): void {
    this.#server.answered(performance.now() - this.sentAt);
  }
}
