import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { Expect, replies, type ReplyKind } from '../../protocols/memcache/index.ts';
import { ForwardedRequest } from '../../session/forwarded-request.ts';
import type { SlotOwner } from '../../session/reply-slot.ts';
import type { UpstreamError } from '../../upstream/errors.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';
import { ReplyUnits } from './reply-units.ts';

/**
 * A memcache request forwarded whole to one server. A quiet run —
 * consecutive meta `q` requests of one client to one server, sent with one
 * `mn` behind them — is one of these too: everything the server sends
 * before its MN is the run's reply, and the MN is padda's own.
 */
export class MemcacheRequest extends ForwardedRequest implements MemcacheInFlight {
  readonly expect: Expect;
  /** How many client requests this stands for: more than one only for a quiet run. */
  requests = 1;
  #units: ReplyUnits | null = null;

  constructor(owner: SlotOwner, command: CommandSeries, expect: Expect, server: ServerMetrics) {
    super(owner, command, server);
    this.expect = expect;
  }

  unit(buffer: Buffer, start: number, end: number): void {
    (this.#units ??= new ReplyUnits()).add(buffer, start, end);
  }

  end(buffer: Buffer, start: number, end: number, _kind: ReplyKind): void {
    this.answered();
    if (this.expect !== Expect.quiet) this.unit(buffer, start, end);
    this.finish(this.#units?.take() ?? replies.NO_REPLY);
  }

  /**
   * Whatever part of the reply arrived is dropped: a client must not take a
   * cut-off VALUE list for a complete one. Each request of a quiet run gets
   * the error, as each would have from memcached, whose quiet mode never
   * hides a failure.
   */
  override fail(error: UpstreamError): void {
    const reply = this.owner.failure(error);
    this.finish(this.requests === 1 ? reply : new Array<Buffer>(this.requests).fill(reply));
  }
}
