import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { Expect, replies } from '../../protocols/memcache/index.ts';
import { FanOut, type Fragment } from '../../session/fan-out.ts';
import type { SlotOwner } from '../../session/reply-slot.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';

const OK = Buffer.from('OK\r\n');

/**
 * flush_all and verbosity go to every server, ejected ones included: a
 * flush that skipped a server coming back would leave its stale items
 * behind while the client was told OK. The client sees OK only if every
 * server said OK; otherwise the first other answer or failure.
 */
export class Broadcast extends FanOut {
  readonly #parts: Fragment[];

  constructor(owner: SlotOwner, command: CommandSeries, pool: ServerPool<MemcacheInFlight>) {
    super(owner, command);
    this.#parts = pool.servers.map((server) => this.part(server.metrics, Expect.one));
  }

  send(pool: ServerPool<MemcacheInFlight>, clientId: number, bytes: Buffer): void {
    this.#parts.forEach((part, server) => pool.connection(server, clientId).send(part, bytes));
  }

  protected merge(): Buffer {
    for (const part of this.#parts) {
      if (part.failure !== null) return this.owner.failure(part.failure);
      if (!part.ending.equals(OK)) return part.ending;
    }
    return OK;
  }
}
