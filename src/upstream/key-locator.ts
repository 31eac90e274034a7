import { formatServer } from './server-spec.ts';
import { PoolRouter, NO_SERVER } from './pool-router.ts';
import { distributionName } from './server-name.ts';
import type { PoolConfig } from './sharded-pool.ts';

/**
 * `padda route` for a twemproxy-style pool: the server a key lives on, as
 * `host:port` (or the socket path) of its config entry, with every server
 * live — where the key is when nothing is ejected.
 */
export function poolKeyLocator(config: PoolConfig): (key: Uint8Array) => string {
  const router = new PoolRouter(
    config.hash,
    config.hash_tag,
    config.distribution,
    config.servers.map((spec) => ({ name: distributionName(spec), weight: spec.weight })),
  );
  return (key) => {
    const index = router.route(key, 0, key.length);
    return index === NO_SERVER ? '-' : formatServer(config.servers[index]!);
  };
}
