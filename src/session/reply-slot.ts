import type { CommandSeries } from '../metrics/command-metrics.ts';
import type { UpstreamError } from '../upstream/errors.ts';

const EMPTY = Buffer.alloc(0);

/** Whoever keeps a client's replies in order: its ClientSession. */
export interface SlotOwner {
  /** A slot's reply is complete. */
  completed(slot: ReplySlot): void;
  /** The client is gone: nobody will read what its slots hold. */
  readonly gone: boolean;
  /** What a request answers when padda fails it because its server failed (the protocol's msg_get_error). */
  failure(error: UpstreamError): Buffer;
}

/**
 * One request's place in its client's reply order (an entry of twemproxy's
 * client out-queue). The session writes a slot's bytes once it and every
 * slot before it are complete, so replies leave in request order whichever
 * server answers first. A reply padda gives itself is a slot finished at once.
 */
export class ReplySlot {
  done = false;
  /** The reply: one buffer, or several to write in order. */
  bytes: Buffer | Buffer[] = EMPTY;
  /** The reply's length, for what a client may hold unread. */
  size = 0;
  /** The request's per-command series, or null for what no command names (bad input, a pub/sub message). */
  readonly command: CommandSeries | null;
  readonly startedAt = performance.now();
  /** The request's first key, copied, while the listener keeps a slow log; else null. */
  key: Buffer | null = null;
  protected readonly owner: SlotOwner;

  constructor(owner: SlotOwner, command: CommandSeries | null) {
    this.owner = owner;
    this.command = command;
  }

  /**
   * The pool server that answered (the slowest, for a request split over
   * several), as the slow log names it; null when padda answered itself or
   * the request went on a connection of the client's own, whose time (a
   * blocking command's wait) says nothing of the server.
   */
  get server(): string | null {
    return null;
  }

  /** Nobody will read the reply (its client is gone): a framer may skip its bytes instead of holding them. */
  get abandoned(): boolean {
    return this.owner.gone;
  }

  finish(bytes: Buffer | Buffer[]): void {
    this.bytes = bytes;
    if (Array.isArray(bytes)) {
      let size = 0;
      for (const part of bytes) size += part.length;
      this.size = size;
    } else {
      this.size = bytes.length;
    }
    this.done = true;
    this.owner.completed(this);
  }
}
