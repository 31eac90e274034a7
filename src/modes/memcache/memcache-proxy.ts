import { replies } from '../../protocols/memcache/index.ts';
import { PoolProxy } from '../../session/pool-proxy.ts';
import type { PoolProtocol } from '../../session/protocol.ts';
import { createShardedPool } from '../../upstream/sharded-pool.ts';
import { memcacheCommandMetrics } from './command-metrics.ts';
import { Dispatcher } from './dispatcher.ts';
import { MemcacheClient } from './memcache-client.ts';
import { MemcacheFramer, type MemcacheInFlight } from './memcache-framer.ts';
import type { ModeContext } from '../mode.ts';
import type { MemcacheConfig } from './schema.ts';

/**
 * The `memcache` mode: a sharding ambassador in front of a pool of
 * memcached servers that clients talk to as to one memcached.
 */
export function createMemcacheProxy(config: MemcacheConfig, context: ModeContext): PoolProxy<MemcacheInFlight> {
  const { pool, router } = createShardedPool<MemcacheInFlight>(config, () => new MemcacheFramer(), context);
  const dispatcher = new Dispatcher(pool, router, memcacheCommandMetrics(context.registry, context.listener), config.version);
  // The text and meta protocols, plugged into the session core.
  const protocol: PoolProtocol = {
    client: (session) => new MemcacheClient(session, dispatcher, config.item_size_max),
    failure: (error) => replies.serverError(error.clientText),
    // memcache commands have no error series: an error line is an answer like any other.
    isError: () => false,
  };
  return new PoolProxy(config, context, pool, protocol);
}
