import type net from 'node:net';
import type { Logger } from '../log.ts';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import { formatAddress, type Address } from './address.ts';
import { ConnectionSet } from './connection-set.ts';
import { connectWithTimeout, splice } from './splice.ts';

export interface TcpRelayOptions {
  upstreams: readonly Address[];
  connectTimeout: number;
  /** Close a connection silent in both directions this long; 0 never. */
  idleTimeout: number;
}

/**
 * Layer-4 relaying, for the tcp mode and the sidecar's `protocol: tcp`:
 * each client connection goes to the next upstream in round-robin order;
 * one that refuses or times out is skipped, so a client is only turned away
 * when every upstream failed it. Bytes are spliced both ways with
 * backpressure and half-close. A byte stream has no message boundary to
 * drain at: a drain waits for clients to close, up to the drain deadline.
 */
export class TcpRelay {
  private readonly options: TcpRelayOptions;
  private readonly metrics: ListenerMetrics;
  private readonly log: Logger;
  private readonly connections: ConnectionSet;
  private next = 0;

  constructor(options: TcpRelayOptions, context: { metrics: ListenerMetrics; log: Logger }) {
    this.options = options;
    this.metrics = context.metrics;
    this.log = context.log;
    this.connections = new ConnectionSet(context.metrics);
  }

  accept(client: net.Socket): void {
    const metrics = this.metrics;
    metrics.requests.value++;
    const started = performance.now();
    this.connections.add(client, () => metrics.duration.observe((performance.now() - started) / 1000));
    client.setNoDelay(true);
    client.on('error', () => {});
    const first = this.next;
    this.next = (this.next + 1) % this.options.upstreams.length;
    this.connect(client, first, 0);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  drain(): Promise<void> {
    return this.connections.empty();
  }

  destroy(): void {
    this.connections.destroyAll();
  }

  private connect(client: net.Socket, index: number, attempt: number): void {
    const { upstreams, connectTimeout, idleTimeout } = this.options;
    const target = upstreams[index]!;
    const upstream = connectWithTimeout(target, connectTimeout, (error, connected) => {
      if (!error) {
        splice(client, connected, idleTimeout, {
          upstreamError: (cause) => {
            this.metrics.error('upstream_reset');
            this.log.warn({ upstream: formatAddress(target), err: cause.message }, 'upstream connection failed mid-stream');
          },
          idle: () => this.metrics.error('idle_timeout'),
        });
        return;
      }
      this.metrics.error(`upstream_${(error.code ?? 'error').toLowerCase()}`);
      const last = attempt + 1 >= upstreams.length;
      this.log.warn({ upstream: formatAddress(target), err: error.message, client: client.remoteAddress, retry: !last }, 'upstream connect failed');
      if (last || client.destroyed) client.destroy();
      else this.connect(client, (index + 1) % upstreams.length, attempt + 1);
    });
    client.once('close', () => upstream.destroy());
  }
}
