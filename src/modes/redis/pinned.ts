import { ArrayReplyReader, readIntegerReply } from '../../protocols/resp/reply-reader.ts';
import type { Fifo } from '../../net/fifo.ts';
import { ConnectionClosingError } from '../../upstream/errors.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { ServerConnection, type ConnectionOptions } from '../../upstream/server-connection.ts';
import type { ServerSpec } from '../../upstream/server-spec.ts';
import { RespFramer } from './resp-framer.ts';

const SUBSCRIPTION_REPLIES = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe']);
const SHORTEST_CONFIRMATION = 'subscribe'.length;

/**
 * Replies on a client's dedicated connection. Normally one per request, as
 * anywhere; while the client is subscribed, everything the server sends is
 * a message for the client and streams straight to it, until a reply says
 * no subscription is left.
 */
class PinnedFramer extends RespFramer<InFlight> {
  stream: ((message: Buffer) => void) | null = null;
  onUnsubscribedAll: (() => void) | null = null;
  readonly #reader = new ArrayReplyReader();

  protected override deliver(reply: Buffer, queue: Fifo<InFlight>): boolean {
    if (this.stream === null) return super.deliver(reply, queue);
    this.stream(reply);
    if (this.#subscriptionsLeft(reply) === 0) this.onUnsubscribedAll?.();
    return true;
  }

  /** The count a (un)subscribe confirmation carries, or -1 for any other message. */
  #subscriptionsLeft(reply: Buffer): number {
    const reader = this.#reader;
    if (!reader.open(reply, 0, reply.length) || reader.count !== 3 || !reader.next()) return -1;
    // The kind is a bulk `$<n>\r\n<kind>\r\n`; messages (`message`, `pmessage`, `smessage`) are shorter
    // than every confirmation, so the common case is decided without making a string.
    const header = reply.indexOf(0x0a, reader.elementStart) + 1;
    const length = reader.elementEnd - 2 - header;
    if (reply[reader.elementStart] !== 0x24 || length < SHORTEST_CONFIRMATION) return -1;
    if (!SUBSCRIPTION_REPLIES.has(reply.toString('latin1', header, header + length).toLowerCase())) return -1;
    if (!reader.next() || !reader.next()) return -1;
    const left = readIntegerReply(reply, reader.elementStart, reader.elementEnd);
    return Number.isNaN(left) ? -1 : left;
  }
}

/**
 * A connection of one client's own, to one server: for transactions (MULTI
 * … EXEC and WATCH must all reach one server on one connection), blocking
 * commands (which would stall a shared pipeline) and subscriptions.
 */
export class PinnedConnection {
  /** The shard (redis-pool.ts) it was opened for: a command of another shard needs another connection. */
  readonly shard: number;
  readonly connection: ServerConnection<InFlight>;
  readonly #framer = new PinnedFramer();

  constructor(shard: number, spec: ServerSpec, options: ConnectionOptions, failed: () => void) {
    this.shard = shard;
    this.connection = new ServerConnection<InFlight>(spec, this.#framer, options, { succeeded() {}, failed, drained() {} });
  }

  get streaming(): boolean {
    return this.#framer.stream !== null;
  }

  /** From now on every reply goes to `deliver`, until the last subscription ends (then `ended`). */
  startStreaming(deliver: (message: Buffer) => void, ended: () => void): void {
    this.#framer.stream = deliver;
    this.#framer.onUnsubscribedAll = () => {
      this.#framer.stream = null;
      ended();
    };
  }

  close(): void {
    this.connection.reset(new ConnectionClosingError(this.connection.server.label, 'client closed'));
  }
}

/** A reply padda asked for itself (the MULTI it sends late, the DISCARD of an aborted transaction): not forwarded. */
export class InternalRequest implements InFlight {
  sentAt = 0;
  reply(): void {}
  fail(): void {}
}
