import type { Logger } from '../log.ts';
import type { Registry } from '../metrics/registry.ts';
import type { InFlight, ReplyFramer } from './in-flight.ts';
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
  failures: number;
  ejectedUntil: number;
}

/**
 * The backend servers of one listener, with twemproxy's health rules:
 * `failureLimit` consecutive failures eject a server (when `autoEject`) for
 * `retryTimeout` ms, during which its keys remap to the live servers; then it
 * is tried again, and one more run of failures ejects it again. A sweep fails
 * requests older than `timeout` and resets their connection.
 */
export class ServerPool<T extends InFlight> {
  readonly servers: ServerState<T>[];
  private readonly options: PoolOptions;
  private readonly log: Logger;
  private readonly onTopologyChange: () => void;
  private readonly congestionWaiters = new Set<() => void>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly stopCollecting: () => void;
  private readonly restoreTimers = new Set<NodeJS.Timeout>();

  constructor(
    specs: readonly ServerSpec[],
    options: PoolOptions,
    framer: () => ReplyFramer<T>,
    context: { listener: string; registry: Registry; log: Logger },
    onTopologyChange: () => void,
  ) {
    this.options = options;
    this.log = context.log;
    this.onTopologyChange = onTopologyChange;
    this.servers = specs.map((spec, index) => {
      const state: ServerState<T> = {
        index,
        spec,
        connections: [],
        metrics: new ServerMetrics(context.registry, context.listener, spec.label),
        failures: 0,
        ejectedUntil: 0,
      };
      for (let i = 0; i < options.connections; i++) {
        state.connections.push(new ServerConnection(spec, framer(), options, {
          succeeded: () => {
            state.failures = 0;
          },
          failed: (reason, requests) => {
            state.metrics.failedRequests.value += requests;
            this.failed(state, reason);
          },
          drained: () => this.drained(),
        }));
      }
      return state;
    });
    // Connection state is read when scraped, not tracked on every request.
    this.stopCollecting = context.registry.onCollect(() => {
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
      this.sweepTimer = setInterval(() => this.sweep(), every);
      this.sweepTimer.unref();
    }
  }

  start(): void {
    if (this.options.preconnect) for (const server of this.servers) for (const c of server.connections) c.connect();
  }

  liveCount(): number {
    let live = 0;
    for (const server of this.servers) if (server.ejectedUntil === 0) live++;
    return live;
  }

  /** The connection a client uses for a server; the same client always gets the same one. */
  connection(server: number, clientId: number): ServerConnection<T> {
    const connections = this.servers[server]!.connections;
    return connections[clientId % connections.length]!;
  }

  /** Calls `resume` once no server connection is congested any more. */
  whenUncongested(resume: () => void): void {
    this.congestionWaiters.add(resume);
  }

  congested(): boolean {
    for (const server of this.servers) for (const c of server.connections) if (c.congested) return true;
    return false;
  }

  close(): void {
    this.stopCollecting();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const timer of this.restoreTimers) clearTimeout(timer);
    for (const server of this.servers) for (const c of server.connections) c.reset('listener closed', false);
  }

  private failed(state: ServerState<T>, reason: string): void {
    state.metrics.error(classify(reason));
    state.failures++;
    this.log.warn({ server: state.spec.label, err: reason, failures: state.failures }, 'server failed');
    if (!this.options.autoEject || state.ejectedUntil !== 0 || state.failures < this.options.failureLimit) return;
    state.failures = 0;
    state.ejectedUntil = Date.now() + this.options.retryTimeout;
    state.metrics.ejected.set(1);
    state.metrics.ejections.value++;
    state.metrics.ejectedAt.set(Date.now() * 1000);
    this.log.warn({ server: state.spec.label, retryInMs: this.options.retryTimeout }, 'server ejected');
    this.onTopologyChange();
    const timer = setTimeout(() => {
      this.restoreTimers.delete(timer);
      state.ejectedUntil = 0;
      state.metrics.ejected.set(0);
      this.log.info({ server: state.spec.label }, 'server back in the distribution');
      this.onTopologyChange();
    }, this.options.retryTimeout);
    timer.unref();
    this.restoreTimers.add(timer);
  }

  private drained(): void {
    if (this.congestionWaiters.size === 0 || this.congested()) return;
    const waiters = [...this.congestionWaiters];
    this.congestionWaiters.clear();
    for (const resume of waiters) resume();
  }

  private sweep(): void {
    const now = performance.now();
    const limit = this.options.timeout;
    for (const server of this.servers) {
      for (const connection of server.connections) {
        if (connection.oldestAge(now) > limit) connection.reset(`${server.spec.label}: timed out after ${limit} ms`);
      }
    }
  }
}

function classify(reason: string): string {
  if (reason.includes('timed out')) return 'timeout';
  if (reason.includes('ECONNREFUSED')) return 'refused';
  if (reason.includes('ECONNRESET') || reason.includes('closed by server')) return 'reset';
  if (reason.includes('ENOTFOUND') || reason.includes('EAI_AGAIN')) return 'dns';
  if (reason.includes('protocol')) return 'protocol';
  return 'other';
}
