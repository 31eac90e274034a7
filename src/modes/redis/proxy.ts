import type net from 'node:net';
import type { Logger } from '../../log.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import type { Counter } from '../../metrics/registry.ts';
import type { CommandArguments } from '../../protocols/resp/command-arguments.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { NO_SERVER, type PoolRouter } from '../../upstream/pool-router.ts';
import type { ConnectionOptions } from '../../upstream/server-connection.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import { createShardedPool, serverStats } from '../../upstream/sharded-pool.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { RedisClient } from './client.ts';
import { CommandMetricsTable } from '../../metrics/command-metrics.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { redisHandshake } from './handshake.ts';
import { ReachPolicy } from './reaching-commands.ts';
import { RespFramer } from './resp-framer.ts';
import type { RedisConfig } from './schema.ts';

const REDIS_COMMAND_FAMILIES = {
  calls: ['padda_redis_commands_total', 'Redis commands by name.'],
  errors: ['padda_redis_command_errors_total', 'Redis commands answered with an error.'],
  duration: ['padda_redis_command_duration_seconds', "Time from a command's arrival to its answer."],
} as const;

/**
 * The `redis` mode: a sharding ambassador in front of a pool of Redis
 * servers, speaking to clients as one Redis. Owns the pool, the key router
 * and the client sessions of one listener.
 */
export class RedisProxy implements ModeHandler {
  readonly config: RedisConfig;
  readonly pool: ServerPool<InFlight>;
  readonly router: PoolRouter;
  readonly metrics: ListenerMetrics;
  readonly commandMetrics: CommandMetricsTable<RedisCommand>;
  /** Sub-requests made by splitting multi-key commands (twemproxy's `fragments`). */
  readonly fragments: Counter;
  readonly connectionOptions: ConnectionOptions;
  /** Which commands that act beyond the pool this listener forwards (allow_commands). */
  readonly reach: ReachPolicy;
  private readonly log: Logger;
  private readonly clients = new Set<RedisClient>();
  private nextClientId = 1;
  private spans = new Uint32Array(64);
  private routed = new Int32Array(32);
  private draining: (() => void) | null = null;

  constructor(config: RedisConfig, context: ModeContext) {
    this.config = config;
    this.log = context.log;
    this.metrics = context.metrics;
    this.commandMetrics = new CommandMetricsTable<RedisCommand>(context.registry, context.listener, REDIS_COMMAND_FAMILIES, (command) => command.name);
    this.reach = new ReachPolicy(config.allow_commands);
    this.fragments = context.registry.counter('padda_pool_fragments_total', 'Sub-requests made by splitting multi-key commands across servers.', { listener: context.listener });
    const handshake = redisHandshake(config.redis_auth, config.redis_db);
    this.connectionOptions = {
      timeout: config.timeout,
      tcpKeepalive: config.tcpkeepalive,
      ...(handshake ? { handshake } : {}),
    };
    ({ pool: this.pool, router: this.router } = createShardedPool<InFlight>(
      config,
      () => new RespFramer<InFlight>(),
      { listener: context.listener, registry: context.registry, log: context.log },
      this.connectionOptions,
    ));
  }

  accept(socket: net.Socket): void {
    const metrics = this.metrics;
    if ((this.config.client_connections > 0 && this.clients.size >= this.config.client_connections) || this.draining) {
      metrics.error(this.draining ? 'draining' : 'client_connections');
      socket.destroy();
      return;
    }
    metrics.connections.value++;
    metrics.activeConnections.value++;
    socket.setNoDelay(true);
    this.clients.add(new RedisClient(this.nextClientId++, socket, this));
  }

  clientClosed(client: RedisClient, socket: net.Socket): void {
    this.clients.delete(client);
    const metrics = this.metrics;
    metrics.activeConnections.value--;
    metrics.receivedBytes.value += socket.bytesRead;
    metrics.sentBytes.value += socket.bytesWritten;
    if (this.draining && this.clients.size === 0) this.draining();
  }

  clientOverflowed(address: string | undefined): void {
    this.metrics.error('client_output_limit');
    this.log.warn({ client: address, limit: this.config.client_output_limit }, 'client closed: its unread replies passed client_output_limit');
  }

  /**
   * Servers of many keys at once — the keys of one MGET/MSET/DEL — in one
   * call of the WASM hash core, which pays its call and copy cost per batch.
   * The returned array is reused by the next call.
   */
  routeKeys(args: CommandArguments, keyIndexes: Int32Array, count: number): Int32Array {
    if (this.spans.length < 2 * count) {
      this.spans = new Uint32Array(4 * count);
      this.routed = new Int32Array(2 * count);
    }
    for (let i = 0; i < count; i++) {
      const index = keyIndexes[i]!;
      this.spans[2 * i] = args.argStart[index]!;
      this.spans[2 * i + 1] = args.argEnd[index]!;
    }
    return this.router.routeBatch(args.buffer, this.spans, count, this.routed);
  }

  anyLiveServer(): number {
    return this.pool.anyLive();
  }

  start(): Promise<void> {
    this.pool.start();
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return this.pool.liveCount() === 0 ? 'every server is ejected' : null;
  }

  drain(): Promise<void> {
    // Clients are long-lived: each is closed once its in-flight commands are answered.
    for (const client of this.clients) client.finishAfterReplies();
    if (this.clients.size === 0) {
      this.pool.close();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.draining = () => {
        this.pool.close();
        resolve();
      };
    });
  }

  destroy(): void {
    for (const client of this.clients) client.destroy();
    this.pool.close();
  }

  stats(): Record<string, unknown> {
    return {
      clients: this.clients.size,
      servers: serverStats(this.pool),
    };
  }
}
