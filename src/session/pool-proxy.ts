import type net from 'node:net';
import type { Logger } from '../log.ts';
import { SlowLog } from '../logging/slow-log.ts';
import type { SlowLogConfig } from '../logging/schema.ts';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { ModeContext, ModeHandler } from '../modes/mode.ts';
import type { InFlight } from '../upstream/in-flight.ts';
import type { ServerPool } from '../upstream/server-pool.ts';
import { serverStats } from '../upstream/sharded-pool.ts';
import { sessionLimits, type ClientLimitConfig, type SessionLimits } from './client-limits.ts';
import { ClientSession, type SessionHost } from './client-session.ts';
import type { PoolProtocol } from './protocol.ts';

/** The keys of a sharding listener the sessions read (twemproxy's client_connections, padda's client limits). */
export interface PoolProxyConfig extends ClientLimitConfig {
  client_connections: number;
  slow_log?: SlowLogConfig | undefined;
}

/** What a backend beyond its servers needs started and stopped with the listener (a Redis Cluster's slot map discovery). */
export interface PoolBackend {
  start(): void;
  close(): void;
  /** Null when it can serve; otherwise why not, for /ready. */
  notReadyReason(): string | null;
}

/**
 * A sharding listener (the redis and memcache modes): client sessions in
 * front of a pool of servers, speaking the mode's protocol to both. Owns the
 * sessions; a drain lets each finish the replies it owes, then closes the
 * pool.
 */
export class PoolProxy<T extends InFlight> implements ModeHandler, SessionHost {
  readonly metrics: ListenerMetrics;
  readonly limits: SessionLimits;
  readonly pool: ServerPool<T>;
  readonly protocol: PoolProtocol;
  readonly slowLog: SlowLog | null;
  readonly #config: PoolProxyConfig;
  readonly #log: Logger;
  readonly #backend: PoolBackend | null;
  readonly #sessions = new Set<ClientSession>();
  #nextId = 1;
  #drained: (() => void) | null = null;

  constructor(config: PoolProxyConfig, context: ModeContext, pool: ServerPool<T>, protocol: PoolProtocol, backend: PoolBackend | null = null) {
    this.#config = config;
    this.#backend = backend;
    this.#log = context.log;
    this.metrics = context.metrics;
    this.limits = sessionLimits(config);
    this.pool = pool;
    this.protocol = protocol;
    this.slowLog = config.slow_log === undefined ? null : new SlowLog(context.listener, config.slow_log, context.logs);
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

  closed(session: ClientSession): void {
    this.#sessions.delete(session);
    const metrics = this.metrics;
    metrics.activeConnections.value--;
    metrics.receivedBytes.value += session.socket.bytesRead;
    metrics.sentBytes.value += session.socket.bytesWritten;
    if (this.#drained !== null && this.#sessions.size === 0) this.#drained();
  }

  overflowed(session: ClientSession, unread: number, hard: boolean): void {
    this.metrics.error('client_output_limit');
    const limit = hard ? 'client_output_hard_limit' : `client_output_limit for ${this.limits.outputLimitTime} ms`;
    this.#log.warn({ client: session.socket.remoteAddress, unread, limit: hard ? this.limits.outputHardLimit : this.limits.outputLimit }, `client closed: its unread replies passed ${limit}`);
  }

  start(): Promise<void> {
    this.#backend?.start();
    this.pool.start();
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    if (this.#backend !== null) return this.#backend.notReadyReason();
    return this.pool.liveCount() === 0 ? 'every server is ejected' : null;
  }

  /** Clients are long-lived: each is closed once the replies it is owed are written. */
  drain(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.#drained = () => {
        this.#close();
        resolve();
      };
    });
    for (const session of this.#sessions) session.finishAfterReplies();
    if (this.#sessions.size === 0) this.#drained!();
    return done;
  }

  destroy(): void {
    for (const session of this.#sessions) session.destroy();
    this.#close();
  }

  #close(): void {
    this.#backend?.close();
    this.pool.close();
    void this.slowLog?.close();
  }

  stats(): Record<string, unknown> {
    return { clients: this.#sessions.size, servers: serverStats(this.pool) };
  }
}
