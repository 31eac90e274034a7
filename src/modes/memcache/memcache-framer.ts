import { endsReply, Expect, ReplyKind, ReplyScanner } from '../../protocols/memcache/index.ts';
import type { Fifo } from '../../net/fifo.ts';
import type { InFlight, ReplyFramer } from '../../upstream/in-flight.ts';

/**
 * A request on a memcached connection. A one-unit reply arrives whole
 * through `reply`; longer ones (get's VALUEs then END, a quiet run's
 * replies then MN) unit by unit, the last through `end` with its ReplyKind.
 */
export interface MemcacheInFlight extends InFlight {
  /** An Expect. */
  readonly expect: number;
  unit(buffer: Buffer, start: number, end: number): void;
  end(buffer: Buffer, start: number, end: number, kind: ReplyKind): void;
}

/**
 * Splits a memcached server's byte stream into reply units and hands them
 * to the oldest request in flight until endsReply() says its reply is
 * complete. Units are views of the received chunks, not copies.
 */
export class MemcacheFramer implements ReplyFramer<MemcacheInFlight> {
  #scanner = new ReplyScanner();

  feed(chunk: Buffer, queue: Fifo<MemcacheInFlight>): string | null {
    const scanner = this.#scanner;
    scanner.push(chunk);
    while (scanner.next()) {
      const unit = scanner.reply;
      if (unit.kind === ReplyKind.malformed) return 'protocol error: malformed reply';
      const head = queue.peek();
      if (head === undefined) return 'protocol error: a reply nobody asked for';
      if (head.expect === Expect.one) {
        queue.shift();
        head.reply(unit.buffer.subarray(unit.start, unit.end));
      } else if (endsReply(head.expect, unit.kind)) {
        queue.shift();
        head.end(unit.buffer, unit.start, unit.end, unit.kind);
      } else {
        head.unit(unit.buffer, unit.start, unit.end);
      }
    }
    return null;
  }

  reset(): void {
    this.#scanner = new ReplyScanner();
  }
}
