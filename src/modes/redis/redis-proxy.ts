import type { ModeContext } from '../mode.ts';
import { CommandMetricsTable } from '../../metrics/command-metrics.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { requestLimits } from '../../protocols/resp/limits.ts';
import { errorReply } from '../../protocols/resp/reply-encoder.ts';
import { PoolProxy } from '../../session/pool-proxy.ts';
import type { PoolProtocol } from '../../session/protocol.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { createShardedPool } from '../../upstream/sharded-pool.ts';
import { RedisClient, type RedisClientSettings } from './client.ts';
import { redisHandshake } from './handshake.ts';
import { ReachPolicy } from './reaching-commands.ts';
import { RedisPool } from './redis-pool.ts';
import { RespFramer } from './resp-framer.ts';
import type { RedisConfig } from './schema.ts';

const REDIS_COMMAND_FAMILIES = {
  calls: ['padda_redis_commands_total', 'Redis commands by name.'],
  errors: ['padda_redis_command_errors_total', 'Redis commands answered with an error.'],
  duration: ['padda_redis_command_duration_seconds', "Time from a command's arrival to its answer being written to the client."],
} as const;

const MINUS = 0x2d;

/**
 * The `redis` mode: a sharding ambassador in front of a pool of Redis
 * servers, speaking to clients as one Redis.
 */
export function createRedisProxy(config: RedisConfig, context: ModeContext): PoolProxy<InFlight> {
  const handshake = redisHandshake(config.redis_auth, config.redis_db);
  const connectionOptions = { timeout: config.timeout, tcpKeepalive: config.tcpkeepalive, ...(handshake ? { handshake } : {}) };
  const { pool, router } = createShardedPool<InFlight>(config, () => new RespFramer<InFlight>(), context, connectionOptions);
  const commands = new CommandMetricsTable<RedisCommand>(context.registry, context.listener, REDIS_COMMAND_FAMILIES, (command) => command.name);
  const fragments = context.registry.counter('padda_pool_fragments_total', 'Sub-requests made by splitting multi-key commands across servers.', { listener: context.listener });
  const redisPool = new RedisPool(pool, router, connectionOptions, commands, fragments, config.mget_errors === 'key');
  const settings: RedisClientSettings = {
    password: config.redis_auth,
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
  return new PoolProxy(config, context, pool, protocol);
}
