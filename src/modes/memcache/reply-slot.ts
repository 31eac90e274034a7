import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { replies } from '../../protocols/memcache/index.ts';

/** Whoever keeps a client's replies in order; a slot tells it when its reply is complete. */
export interface SlotOwner {
  completed(slot: ReplySlot): void;
}

/**
 * One request's place in its client's reply order. The client writes a
 * slot's bytes once it and every slot before it are complete, so replies
 * leave in request order whichever server answers first. A local answer
 * (bad input, `version`, the client's own `mn`) is a slot finished at once.
 */
export class ReplySlot {
  done = false;
  /** The reply: one buffer, or several to write in order. */
  bytes: Buffer | Buffer[] = replies.NO_REPLY;
  /** The reply's length in bytes, for what a client may hold unread. */
  size = 0;
  /** The request's per-command series; its reply's latency goes there. */
  readonly command: CommandSeries;
  readonly startedAt = performance.now();
  protected readonly owner: SlotOwner;

  constructor(owner: SlotOwner, command: CommandSeries) {
    this.owner = owner;
    this.command = command;
  }

  finish(bytes: Buffer | Buffer[]): void {
    this.bytes = bytes;
    if (Array.isArray(bytes)) for (const part of bytes) this.size += part.length;
    else this.size = bytes.length;
    this.done = true;
    this.owner.completed(this);
  }
}
