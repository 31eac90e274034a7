import type { Logger } from '../../log.ts';
import type { FamilySnapshot } from '../../metrics/registry.ts';
import { ProbeConnection } from '../../probe/connection.ts';
import { memcacheStats } from '../../probe/memcache.ts';
import { parseInfo, redisAuth, redisCall } from '../../probe/redis.ts';
import { formatServer, type ServerSpec } from '../../upstream/server-spec.ts';
import { FamilySet } from './families.ts';
import { addMemcachedStats } from './memcached-stats.ts';
import { addRedisInfo } from './redis-info.ts';

/** A redis or memcache listener with `backend_stats: true`. */
export interface StatsPool {
  listener: string;
  protocol: 'redis' | 'memcache';
  servers: readonly ServerSpec[];
  /** redis_auth, sent as AUTH before INFO. */
  password?: string;
  /** How long one server may take to answer. */
  timeoutMs: number;
}

/** What one server said, or why it said nothing. */
interface Gathered {
  fields: Map<string, string> | null;
  seconds: number;
}

/**
 * Each server's own figures (Redis INFO, memcached stats), asked for at
 * scrape time, each with a timeout, and kept for `freshMs`: however many
 * scrapes arrive (several Prometheus replicas, a dashboard refreshing), a
 * server is asked at most once per `freshMs`, and scrapes that arrive while
 * it is being asked share that one request. A server that is down or silent
 * reports `redis_up`/`memcached_up` 0 and costs a scrape at most its timeout.
 */
export class BackendStatsCollector {
  private readonly pools: () => StatsPool[];
  private readonly freshMs: number;
  private readonly log: Logger;
  private readonly cache = new Map<string, { at: number; gathered: Promise<Gathered> }>();

  constructor(pools: () => StatsPool[], log: Logger, freshMs = 5_000) {
    this.pools = pools;
    this.log = log;
    this.freshMs = freshMs;
  }

  async collect(): Promise<FamilySnapshot[]> {
    const now = Date.now();
    const asked: Array<Promise<{ pool: StatsPool; server: ServerSpec; gathered: Gathered }>> = [];
    const current = new Set<string>();
    for (const pool of this.pools()) {
      for (const server of pool.servers) {
        const key = `${pool.listener}\u0000${pool.protocol}\u0000${server.label}\u0000${pool.password ?? ''}`;
        current.add(key);
        let entry = this.cache.get(key);
        if (entry === undefined || now - entry.at >= this.freshMs) {
          entry = { at: now, gathered: this.gather(pool, server) };
          this.cache.set(key, entry);
        }
        asked.push(entry.gathered.then((gathered) => ({ pool, server, gathered })));
      }
    }
    for (const key of this.cache.keys()) if (!current.has(key)) this.cache.delete(key);
    const families = new FamilySet();
    for (const { pool, server, gathered } of await Promise.all(asked)) {
      const labels = { listener: pool.listener, server: server.label };
      const up = pool.protocol === 'redis' ? 'redis_up' : 'memcached_up';
      families.add(up, 'gauge', '1 when the server answered the last stats request padda made.', labels, gathered.fields === null ? 0 : 1);
      families.add('padda_backend_stats_duration_seconds', 'gauge', 'How long the server took to answer its last stats request (or to fail).', labels, gathered.seconds);
      if (gathered.fields === null) continue;
      if (pool.protocol === 'redis') addRedisInfo(families, gathered.fields, labels);
      else addMemcachedStats(families, gathered.fields, labels);
    }
    return families.snapshot();
  }

  private async gather(pool: StatsPool, server: ServerSpec): Promise<Gathered> {
    const started = performance.now();
    const address = server.path !== undefined ? { kind: 'unix' as const, path: server.path } : { kind: 'tcp' as const, host: server.host, port: server.port };
    let connection: ProbeConnection | null = null;
    try {
      connection = await ProbeConnection.open(address, AbortSignal.timeout(pool.timeoutMs));
      let fields: Map<string, string>;
      if (pool.protocol === 'redis') {
        await redisAuth(connection, undefined, pool.password);
        fields = parseInfo(String(await redisCall(connection, 'INFO')));
      } else {
        fields = await memcacheStats(connection);
      }
      return { fields, seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      this.log.debug({ listener: pool.listener, server: formatServer(server), err: (error as Error).message }, 'backend stats failed');
      return { fields: null, seconds: (performance.now() - started) / 1000 };
    } finally {
      connection?.close();
    }
  }
}
