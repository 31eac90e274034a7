import type { Logger } from '../log.ts';
import type { Registry } from '../metrics/registry.ts';
import { ConnectionClosingError, ReplyTimeoutError, type UpstreamError } from './errors.ts';
import type { InFlight, ReplyFramer } from './in-flight.ts';
import { OutlierPolicy } from './outlier-policy.ts';
import { ServerMetrics } from './server-metrics.ts';
import { ServerConnection, type ConnectionOptions } from './server-connection.ts';
import type { ServerSpec } from './server-spec.ts';


export interface PoolOptions extends ConnectionOptions {
  /** Connections per server; a client always uses the same one, so its commands stay in order. */
  connections: number;
  autoEject: boolean;
  /** ms an ejected server stays out before it is tried again. */
  retryTimeout: number;
  /** Consecutive failures that eject a server. */
  failureLimit: number;
  preconnect: boolean;
}

export interface ServerState<T extends InFlight> {
  readonly index: number;
  readonly spec: ServerSpec;
  readonly connections: ServerConnection<T>[];
  readonly metrics: ServerMetrics;
  /** Passive health: twemproxy's server_failure_limit and server_retry_timeout. */
  readonly health: OutlierPolicy;
}

/** What a pool tells its owner. */
export interface PoolEvents {
  /** A server left or rejoined the distribution (ejection). */
  topologyChanged(): void;
  /** A server connection failed (a Redis Cluster refreshes its slot map then). */
  failed?(server: ServerState<InFlight>, error: UpstreamError): void;
}

/**
 * The backend servers of one listener, with twemproxy's health rules (the
 * shared OutlierPolicy): `failureLimit` consecutive failures eject a server
 * (when `autoEject`) for `retryTimeout` ms, during which its keys remap to
 * the live servers; then it is tried again, and one more run of failures
 * ejects it again. A sweep fails requests older than `timeout` and resets
 * their connection. Servers are those of the config, and any `add`ed later
 * (the nodes a Redis Cluster's slot map names); none is ever removed, so a
 * server's index stays valid.
 */
export class ServerPool<T extends InFlight> {
  readonly servers: ServerState<T>[] = [];
  readonly #options: PoolOptions;
  readonly #log: Logger;
  readonly #events: PoolEvents;
  readonly #framer: (server: number, connection: number) => ReplyFramer<T>;
  readonly #context: { listener: string; registry: Registry; log: Logger };
  readonly #congestionWaiters = new Set<() => void>();
  #sweepTimer: NodeJS.Timeout | null = null;
  #verdictPending = false;
  readonly #stopCollecting: () => void;

  constructor(
    specs: readonly ServerSpec[],
    options: PoolOptions,
    framer: (server: number, connection: number) => ReplyFramer<T>,
    context: { listener: string; registry: Registry; log: Logger },
    events: PoolEvents,
  ) {
    this.#options = options;
    this.#log = context.log;
    this.#events = events;
    this.#framer = framer;
    this.#context = context;
    for (const spec of specs) this.add(spec);
    // Connection state is read when scraped, not tracked on every request.
    this.#stopCollecting = context.registry.onCollect(() => {
      for (const server of this.servers) {
        const m = server.metrics;
        let connected = 0, inFlight = 0, sent = 0, received = 0, unsent = 0;
        for (const c of server.connections) {
          if (c.connected) connected++;
          inFlight += c.queue.length;
          sent += c.sentBytes;
          received += c.receivedBytes;
          unsent += c.unsentBytes;
        }
        m.connected.set(connected);
        m.inFlight.set(inFlight);
        m.sentBytes.value = sent;
        m.receivedBytes.value = received;
        m.unsentBytes.set(unsent);
      }
    });
    if (options.timeout > 0) {
      // A sweep at a fraction of the timeout costs one timer per pool instead of one per request.
      const every = Math.max(5, Math.min(100, Math.floor(options.timeout / 4)));
      this.#sweepTimer = setInterval(() => this.#sweep(), every);
      this.#sweepTimer.unref();
    }
  }

  /** A server more, at the next index; `connection` overrides the pool's options for its connections (a replica's READONLY handshake). */
  add(spec: ServerSpec, connection: Partial<ConnectionOptions> = {}): ServerState<T> {
    const options = this.#options;
    const index = this.servers.length;
    const rules = { failureLimit: options.autoEject ? options.failureLimit : 0, ejectTime: options.retryTimeout, trial: false };
    const metrics = new ServerMetrics(this.#context.registry, this.#context.listener, spec.label);
    const health: OutlierPolicy = new OutlierPolicy(rules, {
      ejected: () => {
        metrics.ejected.set(1);
        metrics.ejections.value++;
        metrics.ejectedAt.set(health.ejectedAt / 1000);
        this.#log.warn({ server: spec.label, retryInMs: options.retryTimeout }, 'server ejected');
        this.#events.topologyChanged();
      },
      rejoined: () => {
        metrics.ejected.set(0);
        this.#log.info({ server: spec.label }, 'server back in the distribution');
        this.#events.topologyChanged();
      },
    });
    const state: ServerState<T> = { index, spec, connections: [], metrics, health };
    const connectionOptions = { ...options, ...connection };
    for (let i = 0; i < options.connections; i++) {
      state.connections.push(new ServerConnection(spec, this.#framer(index, i), connectionOptions, {
        succeeded: () => health.succeeded(),
        failed: (error, requests) => {
          metrics.failedRequests.value += requests;
          this.#failed(state, error);
        },
        drained: () => this.#drained(),
      }));
    }
    this.servers.push(state);
    return state;
  }

  start(): void {
    if (this.#options.preconnect) for (const server of this.servers) for (const c of server.connections) c.connect();
  }

  liveCount(): number {
    let live = 0;
    for (const server of this.servers) if (!server.health.ejected) live++;
    return live;
  }

  /** The first server not ejected, or -1: for commands any server can answer. */
  anyLive(): number {
    return this.servers.findIndex((server) => !server.health.ejected);
  }

  /** The connection a client uses for a server; the same client always gets the same one. */
  connection(server: number, clientId: number): ServerConnection<T> {
    const connections = this.servers[server]!.connections;
    return connections[clientId % connections.length]!;
  }

  /** Calls `resume` once no server connection is congested any more. */
  whenUncongested(resume: () => void): void {
    this.#congestionWaiters.add(resume);
  }

  congested(): boolean {
    for (const server of this.servers) for (const c of server.connections) if (c.congested) return true;
    return false;
  }

  close(): void {
    this.#stopCollecting();
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    for (const server of this.servers) {
      server.health.stop();
      for (const c of server.connections) c.reset(new ConnectionClosingError(server.spec.label, 'listener closed'));
    }
  }

  #failed(state: ServerState<T>, error: UpstreamError): void {
    state.metrics.error(error.reason);
    this.#log.warn({ server: state.spec.label, code: error.code, err: error.message, failures: state.health.failures + 1 }, 'server failed');
    state.health.failed(error);
    this.#events.failed?.(state, error);
  }

  #drained(): void {
    if (this.#congestionWaiters.size === 0 || this.congested()) return;
    const waiters = [...this.#congestionWaiters];
    this.#congestionWaiters.clear();
    for (const resume of waiters) resume();
  }

  #sweep(): void {
    if (this.#verdictPending || !this.#overdue(performance.now())) return;
    // libuv runs timers before it polls: after a busy event-loop turn the
    // sweep would fail requests whose replies already sit in the socket. The
    // verdict waits for the check phase, after this turn's poll has read them.
    this.#verdictPending = true;
    setImmediate(() => {
      this.#verdictPending = false;
      const now = performance.now();
      const limit = this.#options.timeout;
      for (const server of this.servers) {
        for (const connection of server.connections) {
          if (connection.oldestAge(now) > limit) connection.reset(new ReplyTimeoutError(server.spec.label, `timed out after ${limit} ms`));
        }
      }
    });
  }

  #overdue(now: number): boolean {
    for (const server of this.servers) for (const connection of server.connections) if (connection.oldestAge(now) > this.#options.timeout) return true;
    return false;
  }
}
