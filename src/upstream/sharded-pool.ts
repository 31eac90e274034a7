import type { Logger } from '../log.ts';
import type { Registry } from '../metrics/registry.ts';
import type { InFlight, ReplyFramer } from './in-flight.ts';
import { PoolRouter } from './pool-router.ts';
import type { ConnectionOptions } from './server-connection.ts';
import { ServerPool } from './server-pool.ts';
import { distributionName } from './server-name.ts';
import type { ServerSpec } from './server-spec.ts';

/** The twemproxy pool keys (pool-schema.ts, after defaults) that decide servers, routing and health. */
export interface PoolConfig {
  hash: string;
  hash_tag?: string | undefined;
  distribution: string;
  timeout: number;
  tcpkeepalive: boolean;
  preconnect: boolean;
  server_connections: number;
  auto_eject_hosts: boolean;
  server_retry_timeout: number;
  server_failure_limit: number;
  servers: ServerSpec[];
}

/** A sharding listener's backends: the servers with twemproxy's health rules, and the router that follows ejections. */
export interface ShardedPool<T extends InFlight> {
  pool: ServerPool<T>;
  router: PoolRouter;
}

/**
 * Builds both from a twemproxy pool config, so every mode places keys on the
 * servers twemproxy would (names as twemproxy derives them) and remaps them
 * the way it does when a server is ejected and when it comes back.
 */
export function createShardedPool<T extends InFlight>(
  config: PoolConfig,
  framer: (server: number, connection: number) => ReplyFramer<T>,
  context: { listener: string; registry: Registry; log: Logger },
  connection: Partial<ConnectionOptions> = {},
): ShardedPool<T> {
  const router = new PoolRouter(
    config.hash,
    config.hash_tag,
    config.distribution,
    config.servers.map((spec) => ({ name: distributionName(spec), weight: spec.weight })),
  );
  const pool: ServerPool<T> = new ServerPool<T>(
    config.servers,
    {
      timeout: config.timeout,
      tcpKeepalive: config.tcpkeepalive,
      ...connection,
      connections: config.server_connections,
      autoEject: config.auto_eject_hosts,
      retryTimeout: config.server_retry_timeout,
      failureLimit: config.server_failure_limit,
      preconnect: config.preconnect,
    },
    framer,
    context,
    { topologyChanged: () => router.setLive(pool.servers.map((server) => !server.health.ejected)) },
  );
  return { pool, router };
}

/** Each server's state for /stats. */
export function serverStats(pool: ServerPool<InFlight>): Array<Record<string, unknown>> {
  return pool.servers.map((server) => ({
    server: server.spec.label,
    ejected: server.health.ejected,
    failures: server.health.failures,
    connected: server.connections.filter((c) => c.connected).length,
    in_flight: server.connections.reduce((sum, c) => sum + c.queue.length, 0),
  }));
}
