import { ReplyScanner } from '../../protocols/resp/reply-scanner.ts';
import type { Fifo } from '../../net/fifo.ts';
import type { InFlight, ReplyFramer } from '../../upstream/in-flight.ts';

const EMPTY = Buffer.alloc(0);
/** A reply beyond this is not held: a server (or something posing as one) must not make padda buffer without end. */
export const DEFAULT_MAX_REPLY_BYTES = 1024 ** 3;

/**
 * RESP replies, one per request, in order. A reply inside one chunk is a view
 * of it (no copy); only a reply cut by a chunk boundary is joined.
 */
export class RespFramer<T extends InFlight> implements ReplyFramer<T> {
  readonly #scanner = new ReplyScanner();
  #held: Buffer[] = [];
  #heldBytes = 0;
  readonly #maxReplyBytes: number;
  /** The reply being received belongs to an abandoned request: its bytes are dropped, not held. */
  #skipping = false;

  constructor(maxReplyBytes = DEFAULT_MAX_REPLY_BYTES) {
    this.#maxReplyBytes = maxReplyBytes;
  }

  feed(chunk: Buffer, queue: Fifo<T>): string | null {
    let from = 0;
    for (let end = this.#scanner.scan(chunk, from); end >= 0; end = this.#scanner.scan(chunk, from)) {
      let reply = chunk.subarray(from, end);
      if (this.#skipping) {
        this.#skipping = false;
        reply = EMPTY;
      } else if (this.#held.length > 0) {
        this.#held.push(reply);
        reply = Buffer.concat(this.#held);
        this.#held = [];
        this.#heldBytes = 0;
      }
      if (!this.deliver(reply, queue)) return 'protocol error: a reply nobody asked for';
      from = end;
    }
    if (this.#scanner.error) return `protocol error: ${this.#scanner.error.message}`;
    if (from < chunk.length && !this.#skipping) {
      if (this.#held.length === 0 && queue.peek()?.abandoned === true) this.#skipping = true;
      else {
        this.#held.push(chunk.subarray(from));
        this.#heldBytes += chunk.length - from;
        if (this.#heldBytes > this.#maxReplyBytes) return `protocol error: a reply larger than ${this.#maxReplyBytes} bytes`;
      }
    }
    return null;
  }

  /** Hands one reply on; false when there was nobody to hand it to. */
  protected deliver(reply: Buffer, queue: Fifo<T>): boolean {
    const request = queue.shift();
    if (request === undefined) return false;
    request.reply(reply);
    return true;
  }

  reset(): void {
    this.#scanner.reset();
    this.#held = [];
    this.#heldBytes = 0;
    this.#skipping = false;
  }
}
