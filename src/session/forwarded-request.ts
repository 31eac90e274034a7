import type { CommandSeries } from '../metrics/command-metrics.ts';
import type { UpstreamError } from '../upstream/errors.ts';
import type { InFlight } from '../upstream/in-flight.ts';
import type { ServerMetrics } from '../upstream/server-metrics.ts';
import { ReplySlot, type SlotOwner } from './reply-slot.ts';

/**
 * A request that goes to one server whole: its own InFlight and its own
 * reply slot, so the common single-key command costs one object.
 */
export class ForwardedRequest extends ReplySlot implements InFlight {
  sentAt = 0;
  /** The server's series, or null on a connection of the client's own (whose blocking commands would skew them). */
  protected readonly metrics: ServerMetrics | null;

  constructor(owner: SlotOwner, command: CommandSeries | null, server: ServerMetrics | null) {
    super(owner, command);
    this.metrics = server;
  }

  override get server(): string | null {
    return this.metrics?.name ?? null;
  }

  reply(bytes: Buffer): void {
    this.answered();
    this.finish(bytes);
  }

  fail(error: UpstreamError): void {
    this.finish(this.owner.failure(error));
  }

  protected answered(): void {
    this.metrics?.answered(performance.now() - this.sentAt);
  }
}
