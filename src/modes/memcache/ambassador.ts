import type net from 'node:net';
import type { Logger } from '../../log.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import { createShardedPool, serverStats } from '../../upstream/sharded-pool.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { ClientSession, type SessionHost, type SessionLimits } from './client-session.ts';
import { memcacheCommandMetrics } from './command-metrics.ts';
import { Dispatcher } from './dispatcher.ts';
import { MemcacheFramer, type MemcacheInFlight } from './memcache-framer.ts';
import type { MemcacheConfig } from './schema.ts';

/**
 * The `memcache` mode: a sharding ambassador in front of a pool of
 * memcached servers that clients talk to as to one memcached. Owns the
 * pool, the dispatcher and the client sessions of one listener.
 */
export class MemcacheAmbassador implements ModeHandler, SessionHost {
  readonly dispatcher: Dispatcher;
  readonly metrics: ListenerMetrics;
  readonly limits: SessionLimits;
  readonly #pool: ServerPool<MemcacheInFlight>;
  readonly #config: MemcacheConfig;
  readonly #log: Logger;
  readonly #sessions = new Set<ClientSession>();
  #nextId = 1;
  #drained: (() => void) | null = null;

  constructor(config: MemcacheConfig, context: ModeContext) {
    this.#config = config;
    this.#log = context.log;
    this.metrics = context.metrics;
    this.limits = {
      itemSizeMax: config.item_size_max,
      // 0 lifts the limit, as in the redis mode.
      outputLimit: config.client_output_limit || Number.POSITIVE_INFINITY,
      maxInflight: config.client_max_inflight,
    };
    const { pool, router } = createShardedPool<MemcacheInFlight>(config, () => new MemcacheFramer(), context);
    this.#pool = pool;
    this.dispatcher = new Dispatcher(pool, router, this.metrics, memcacheCommandMetrics(context.registry, context.listener), config.version);
  }

  accept(socket: net.Socket): void {
    const limit = this.#config.client_connections;
    if (this.#drained !== null || (limit > 0 && this.#sessions.size >= limit)) {
      this.metrics.error(this.#drained !== null ? 'draining' : 'client_connections');
      socket.destroy();
      return;
    }
    this.metrics.connections.value++;
    this.metrics.activeConnections.value++;
    socket.setNoDelay(true);
    this.#sessions.add(new ClientSession(this.#nextId++, socket, this));
  }

  sessionClosed(session: ClientSession, socket: net.Socket): void {
    this.#sessions.delete(session);
    const metrics = this.metrics;
    metrics.activeConnections.value--;
    metrics.receivedBytes.value += socket.bytesRead;
    metrics.sentBytes.value += socket.bytesWritten;
    if (this.#drained !== null && this.#sessions.size === 0) this.#drained();
  }

  outputOverflowed(address: string | undefined): void {
    this.metrics.error('client_output_limit');
    this.#log.warn({ client: address, limit: this.#config.client_output_limit }, 'client closed: its unread replies passed client_output_limit');
  }

  start(): Promise<void> {
    this.#pool.start();
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return this.#pool.liveCount() === 0 ? 'every server is ejected' : null;
  }

  /** Clients are long-lived: each is closed once the replies it is owed are written. */
  drain(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.#drained = () => {
        this.#pool.close();
        resolve();
      };
    });
    for (const session of this.#sessions) session.finishAfterReplies();
    if (this.#sessions.size === 0) this.#drained!();
    return done;
  }

  destroy(): void {
    for (const session of this.#sessions) session.destroy();
    this.#pool.close();
  }

  stats(): Record<string, unknown> {
    return { clients: this.#sessions.size, servers: serverStats(this.#pool) };
  }
}
