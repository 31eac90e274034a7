import type { ListenerConfigBase } from '../../modes/mode.ts';
import type { ServerSpec } from '../../upstream/server-spec.ts';
import type { StatsPool } from './collector.ts';

/** A stats request to a pool without its own `timeout` waits this long. */
const DEFAULT_TIMEOUT_MS = 1_000;

/** The redis and memcache listeners that ask for `backend_stats`, read from their config. */
export function statsPools(listeners: Readonly<Record<string, ListenerConfigBase & Record<string, unknown>>>): StatsPool[] {
  const pools: StatsPool[] = [];
  for (const [listener, config] of Object.entries(listeners)) {
    if ((config.mode !== 'redis' && config.mode !== 'memcache') || config.backend_stats !== true) continue;
    const timeout = typeof config.timeout === 'number' && config.timeout > 0 ? config.timeout : DEFAULT_TIMEOUT_MS;
    const password = typeof config.redis_auth === 'string' ? config.redis_auth : undefined;
    pools.push({
      listener,
      protocol: config.mode,
      // A Redis Cluster pool names seeds, not servers: its nodes' INFO is not collected.
      servers: (config.servers as ServerSpec[] | undefined) ?? [],
      timeoutMs: timeout,
      ...(config.mode === 'redis' && password !== undefined ? { password } : {}),
    });
  }
  return pools;
}
