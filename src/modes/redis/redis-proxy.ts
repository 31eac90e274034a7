import type { ModeContext } from '../mode.ts';
import { CommandMetricsTable } from '../../metrics/command-metrics.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { requestLimits } from '../../protocols/resp/limits.ts';
import { errorReply } from '../../protocols/resp/reply-encoder.ts';
import { PoolProxy, type PoolBackend } from '../../session/pool-proxy.ts';
import type { PoolProtocol } from '../../session/protocol.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { createShardedPool } from '../../upstream/sharded-pool.ts';
import type { ConnectionOptions } from '../../upstream/server-connection.ts';
import { ServerPool } from '../../upstream/server-pool.ts';
import type { ServerSpec } from '../../upstream/server-spec.ts';
import { ClusterFramer } from './cluster/cluster-framer.ts';
import { ClusterMetrics } from './cluster/cluster-metrics.ts';
import { ClusterPlacement } from './cluster/cluster-placement.ts';
import { RedisClient, type RedisClientSettings } from './client.ts';
import { redisHandshake } from './handshake.ts';
import { ReachPolicy } from './reaching-commands.ts';
import { PoolPlacement } from './pool-placement.ts';
import { RedisPool, type KeyPlacement } from './redis-pool.ts';
import { RespFramer } from './resp-framer.ts';
import type { RedisConfig } from './schema.ts';

const REDIS_COMMAND_FAMILIES = {
  calls: ['padda_redis_commands_total', 'Redis commands by name.'],
  errors: ['padda_redis_command_errors_total', 'Redis commands answered with an error.'],
  duration: ['padda_redis_command_duration_seconds', "Time from a command's arrival to its answer being written to the client."],
} as const;

const MINUS = 0x2d;
/** How long a cluster node has to answer CLUSTER SHARDS when the pool sets no timeout. */
const DISCOVERY_TIMEOUT_MS = 2_000;

/**
 * The `redis` mode: a sharding ambassador in front of a pool of Redis
 * servers, speaking to clients as one Redis.
 */
export function createRedisProxy(config: RedisConfig, context: ModeContext): PoolProxy<InFlight> {
  const handshake = redisHandshake(config.redis_auth, config.redis_auth_user, config.redis_db, config.cluster !== undefined && config.read_from !== 'primary');
  const connectionOptions = { timeout: config.timeout, tcpKeepalive: config.tcpkeepalive, ...(handshake ? { handshake } : {}) };
  const { pool, placement, backend } = config.cluster !== undefined
    ? clusterBackend(config, config.cluster, context, connectionOptions)
    : staticBackend(config, config.servers!, context, connectionOptions);
  const commands = new CommandMetricsTable<RedisCommand>(context.registry, context.listener, REDIS_COMMAND_FAMILIES, (command) => command.name);
  const fragments = context.registry.counter('padda_pool_fragments_total', 'Sub-requests made by splitting multi-key commands across servers.', { listener: context.listener });
  const redisPool = new RedisPool(pool, placement, connectionOptions, commands, fragments, config.mget_errors === 'key');
  const settings: RedisClientSettings = {
    password: config.redis_auth,
    user: config.redis_auth_user,
    db: config.redis_db,
    requestLimits: requestLimits({ maxQueryBuffer: Math.min(config.client_query_buffer_limit, 2 ** 31 - 1) }),
    reach: new ReachPolicy(config.allow_commands),
  };
  // RESP2, plugged into the session core.
  const protocol: PoolProtocol = {
    client: (session) => new RedisClient(session, redisPool, settings),
    failure: (error) => errorReply(`ERR ${error.clientText}`),
    isError: (reply) => reply[0] === MINUS,
  };
  return new PoolProxy(config, context, pool, protocol, backend);
}

interface Backend {
  pool: ServerPool<InFlight>;
  placement: KeyPlacement;
  backend: PoolBackend | null;
}

/** twemproxy's static shards: the pool's hash and distribution over `servers`. */
function staticBackend(config: RedisConfig, servers: ServerSpec[], context: ModeContext, connection: ConnectionOptions): Backend {
  const { pool, router } = createShardedPool<InFlight>({ ...config, servers }, () => new RespFramer<InFlight>(), context, connection);
  return { pool, placement: new PoolPlacement(router, pool), backend: null };
}

/** A Redis Cluster: nodes join the pool as the slot map names them; no ejection (a dead node's slots wait for its replica). */
function clusterBackend(config: RedisConfig, seeds: ServerSpec[], context: ModeContext, connection: ConnectionOptions): Backend {
  const placement = new ClusterPlacement({
    seeds,
    interval: config.cluster_refresh_interval,
    timeout: config.timeout > 0 ? config.timeout : DISCOVERY_TIMEOUT_MS,
    connection,
  }, config.read_from, new ClusterMetrics(context.registry, context.listener), context.log);
  const pool = new ServerPool<InFlight>([], {
    ...connection,
    connections: config.server_connections,
    autoEject: false,
    retryTimeout: config.server_retry_timeout,
    failureLimit: config.server_failure_limit,
    preconnect: false,
  }, (server, index) => new ClusterFramer(placement, server, index), context, {
    topologyChanged() {},
    failed: () => placement.failed(),
  });
  placement.attach(pool);
  return { pool, placement, backend: placement };
}
