import type { CommandSeries } from '../../metrics/command-metrics.ts';
import type { ClientSession } from '../../session/client-session.ts';
import { ForwardedRequest } from '../../session/forwarded-request.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import type { PoolRouter } from '../../upstream/pool-router.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import { NO_SERVER_REPLY, type KeyPlacement } from './redis-pool.ts';

/**
 * A twemproxy pool's placement: each server is a shard, a key's server is
 * what the pool's hash and distribution say over the live servers.
 */
export class PoolPlacement implements KeyPlacement {
  readonly shardCount: number;
  readonly unserved = NO_SERVER_REPLY;
  readonly publishReachesAll = false;
  readonly #router: PoolRouter;
  readonly #pool: ServerPool<InFlight>;

  constructor(router: PoolRouter, pool: ServerPool<InFlight>) {
    this.#router = router;
    this.#pool = pool;
    this.shardCount = pool.servers.length;
  }

  shard(buf: Uint8Array, start: number, end: number): number {
    return this.#router.route(buf, start, end);
  }

  shards(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array {
    return this.#router.routeBatch(buf, spans, count, out);
  }

  server(shard: number): number {
    return shard;
  }

  reader(shard: number): number {
    return shard;
  }

  anyShard(): number {
    return this.#pool.anyLive();
  }

  request(session: ClientSession, series: CommandSeries, server: ServerMetrics): ForwardedRequest {
    return new ForwardedRequest(session, series, server);
  }

  sending(): void {}
}
