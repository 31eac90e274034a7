import type { CommandSeries } from '../metrics/command-metrics.ts';
import type { UpstreamError } from '../upstream/errors.ts';
import type { InFlight } from '../upstream/in-flight.ts';
import type { ServerMetrics } from '../upstream/server-metrics.ts';
import { ReplySlot, type SlotOwner } from './reply-slot.ts';

const EMPTY = Buffer.alloc(0);

/**
 * A client request sent as several server requests (twemproxy's fragments:
 * a multi-key command split by server, a broadcast) whose replies are
 * merged into one once all are in. Every part must exist before any is
 * sent, so that an early answer cannot look like the last one.
 */
export abstract class FanOut extends ReplySlot {
  #pending = 0;
  /** The part that took longest, for the slow log. */
  #slowest: ServerMetrics | null = null;
  #slowestMs = -1;

  constructor(owner: SlotOwner, command: CommandSeries | null) {
    super(owner, command);
  }

  /** A new part for one server; `expect` is the protocol's note of how that server's reply ends. */
  protected part(server: ServerMetrics, expect = 0): Fragment {
    this.#pending++;
    return new Fragment(this, server, expect);
  }

  /** A part's server answered after `elapsedMs`. */
  partAnswered(server: ServerMetrics, elapsedMs: number): void {
    if (elapsedMs > this.#slowestMs) {
      this.#slowest = server;
      this.#slowestMs = elapsedMs;
    }
    this.partDone();
  }

  partDone(): void {
    if (--this.#pending === 0) this.finish(this.merge());
  }

  override get server(): string | null {
    return this.#slowest?.name ?? null;
  }

  /** The client's reply, from the parts' (twemproxy's post_coalesce). */
  protected abstract merge(): Buffer | Buffer[];
}

/** One server's share of a FanOut, holding that server's reply until the merge. */
export class Fragment implements InFlight {
  sentAt = 0;
  /** How the server's reply ends, in the protocol's terms (memcache's Expect). */
  readonly expect: number;
  /** Units before the ending, each its own view (memcache's VALUEs), or the elements a merge read out of the reply. */
  values: Buffer[] = [];
  /** Index of the next value a merge has not taken. */
  taken = 0;
  /** The reply, or its last unit (END, OK, an error line), and that unit's kind in the protocol's terms. */
  ending: Buffer = EMPTY;
  endKind = -1;
  failure: UpstreamError | null = null;
  /** What was sent, kept where the server may ask for it again (a Redis Cluster redirect); null otherwise. */
  sent: Buffer | null = null;
  /** Redirects followed so far, to stop a loop. */
  redirects = 0;
  readonly #parent: FanOut;
  readonly #server: ServerMetrics;

  constructor(parent: FanOut, server: ServerMetrics, expect: number) {
    this.#parent = parent;
    this.#server = server;
    this.expect = expect;
  }

  get abandoned(): boolean {
    return this.#parent.abandoned;
  }

  reply(bytes: Buffer): void {
    this.ending = bytes;
    this.#answered();
  }

  unit(buffer: Buffer, start: number, end: number): void {
    this.values.push(buffer.subarray(start, end));
  }

  end(buffer: Buffer, start: number, end: number, kind: number): void {
    this.ending = buffer.subarray(start, end);
    this.endKind = kind;
    this.#answered();
  }

  fail(error: UpstreamError): void {
    this.failure = error;
    this.#parent.partDone();
  }

  #answered(): void {
    const elapsed = performance.now() - this.sentAt;
    this.#server.answered(elapsed);
    this.#parent.partAnswered(this.#server, elapsed);
  }
}
