import type net from 'node:net';
import type tls from 'node:tls';
import type { Deadlines } from '../../net/deadlines.ts';
import { CLOSING, POOL_FULL } from '../errors.ts';
import { UpstreamConnection, type ConnectionOwner, type UpstreamHandler } from './upstream-connection.ts';

export interface PoolSettings {
  /** Connections open at most (connecting, busy and idle together). */
  readonly connections: number;
  /** Requests waiting for a connection at most; more get 503 upstream_pool_full. */
  readonly queue: number;
  /** An idle connection is closed after this (ms). */
  readonly idleTimeout: number;
  readonly connectTimeout: number;
}

/**
 * The keep-alive connections to one upstream. A request takes the most
 * recently used idle connection (LIFO: the warmest, and the ones at the
 * bottom age out by the idle timeout instead of being kept alive by
 * round-robin), else opens a new one while under the limit, else waits in
 * a bounded FIFO queue; how long it may wait is the waiter's business (its
 * own deadline). A waiter that gives up leaves the queue at once.
 */
export class ConnectionPool implements ConnectionOwner {
  readonly deadlines: Deadlines;
  readonly idleTimeout: number;
  readonly connectTimeout: number;
  private readonly settings: PoolSettings;
  private readonly connectOptions: net.NetConnectOpts | tls.ConnectionOptions;
  private readonly secure: boolean;
  private readonly all = new Set<UpstreamConnection>();
  /** Idle connections, most recently used last. */
  private readonly idle: UpstreamConnection[] = [];
  /** Waiters in arrival order; those that gave up are skipped (they are no longer in `waiters`). */
  private queue: UpstreamHandler[] = [];
  private readonly waiters = new Set<UpstreamHandler>();
  private closing = false;
  private emptied: (() => void) | null = null;

  constructor(connectOptions: net.NetConnectOpts | tls.ConnectionOptions, secure: boolean, settings: PoolSettings, deadlines: Deadlines) {
    this.connectOptions = connectOptions;
    this.secure = secure;
    this.settings = settings;
    this.deadlines = deadlines;
    this.idleTimeout = settings.idleTimeout;
    this.connectTimeout = settings.connectTimeout;
  }

  /**
   * A connection for `handler`: now (handler.connected), once one is opened
   * for it (handler.opening, then connected) or freed by another request,
   * or never (handler.connectFailed, the queue being full). A handler that
   * gives up while it waits or its connection opens calls abandon().
   */
  acquire(handler: UpstreamHandler): void {
    if (this.closing) {
      handler.connectFailed(CLOSING, null);
      return;
    }
    const idle = this.idle.pop();
    if (idle !== undefined) {
      idle.assign(handler);
      handler.connected(idle);
      return;
    }
    if (this.all.size < this.settings.connections) {
      this.open(handler);
      return;
    }
    if (this.waiters.size >= this.settings.queue) {
      handler.connectFailed(POOL_FULL, null);
      return;
    }
    this.waiters.add(handler);
    this.queue.push(handler);
  }

  /** The handler no longer waits: it leaves the queue, and a connection opening for it idles when open. */
  abandon(handler: UpstreamHandler, connecting: UpstreamConnection | null): void {
    if (this.waiters.delete(handler) && this.queue.length > 2 * this.waiters.size + 64) {
      this.queue = this.queue.filter((waiter) => this.waiters.has(waiter));
    }
    connecting?.promise(null);
  }

  get waiting(): number {
    return this.waiters.size;
  }

  // From the connections.

  /** A new connection is open, for `handler` or (when it gave up) for whoever is next. */
  connected(connection: UpstreamConnection, handler: UpstreamHandler | null): void {
    if (handler === null) {
      this.released(connection);
      return;
    }
    connection.assign(handler);
    handler.connected(connection);
  }

  /** A connection finished its request and can take another: the next waiter's, or it idles. */
  released(connection: UpstreamConnection): void {
    if (this.closing) {
      connection.destroy();
      return;
    }
    const waiter = this.nextWaiter();
    if (waiter !== null) {
      connection.assign(waiter);
      waiter.connected(connection);
      return;
    }
    connection.idle();
    this.idle.push(connection);
  }

  /** A connection closed (or was handed over by an upgrade): its place may go to a waiter. */
  removed(connection: UpstreamConnection): void {
    if (!this.all.delete(connection)) return;
    const at = this.idle.lastIndexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closing) {
      if (this.all.size === 0) this.emptied?.();
      return;
    }
    if (this.waiters.size > 0 && this.all.size < this.settings.connections) {
      const waiter = this.nextWaiter();
      if (waiter !== null) this.open(waiter);
    }
  }

  stats(): Record<string, number> {
    let connecting = 0;
    for (const connection of this.all) if (connection.connecting) connecting++;
    return { connected: this.all.size - connecting, connecting, idle: this.idle.length, busy: this.all.size - connecting - this.idle.length, pending: this.waiters.size };
  }

  /** Closes idle connections now and busy ones as their requests finish; waiters get 503. */
  close(): Promise<void> {
    this.closing = true;
    for (const connection of this.idle.splice(0)) connection.destroy();
    for (let waiter = this.nextWaiter(); waiter !== null; waiter = this.nextWaiter()) waiter.connectFailed(CLOSING, null);
    if (this.all.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.emptied = resolve;
    });
  }

  destroy(): void {
    this.closing = true;
    this.waiters.clear();
    this.queue = [];
    for (const connection of [...this.all]) connection.destroy();
  }

  private open(handler: UpstreamHandler): void {
    const connection = new UpstreamConnection(this, this.connectOptions, this.secure);
    this.all.add(connection);
    connection.promise(handler);
    handler.opening(connection);
  }

  private nextWaiter(): UpstreamHandler | null {
    while (this.queue.length > 0) {
      const waiter = this.queue.shift()!;
      if (this.waiters.delete(waiter)) return waiter;
    }
    return null;
  }
}
