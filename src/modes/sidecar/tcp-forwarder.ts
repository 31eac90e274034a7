import type net from 'node:net';
import { formatAddress, type Address } from '../../net/address.ts';
import { ConnectionSet } from '../../net/connection-set.ts';
import { connectWithTimeout, splice } from '../../net/splice.ts';
import type { ModeContext } from '../mode.ts';

/**
 * `protocol: tcp`: each decrypted client stream is spliced to a new
 * connection to the app, so TLS can front any TCP protocol (Redis, say).
 * A byte stream has no message boundary to drain at: a drain waits for the
 * client to close, up to the drain deadline.
 */
export class TcpForwarder {
  private readonly target: Address;
  private readonly connectTimeout: number;
  private readonly context: ModeContext;
  private readonly connections: ConnectionSet;

  constructor(target: Address, connectTimeout: number, context: ModeContext) {
    this.target = target;
    this.connectTimeout = connectTimeout;
    this.context = context;
    this.connections = new ConnectionSet(context.metrics);
  }

  accept(client: net.Socket): void {
    const { metrics, log } = this.context;
    metrics.requests.value++;
    const started = performance.now();
    this.connections.add(client, () => metrics.duration.observe((performance.now() - started) / 1000));
    client.on('error', () => client.destroy());
    const upstream = connectWithTimeout(this.target, this.connectTimeout, (error, connected) => {
      if (error) {
        metrics.error(`upstream_${(error.code ?? 'error').toLowerCase()}`);
        log.warn({ upstream: formatAddress(this.target), err: error.message }, 'upstream connect failed');
        client.destroy();
        return;
      }
      splice(client, connected, 0, {
        upstreamError: (cause) => {
          metrics.error('upstream_reset');
          log.warn({ upstream: formatAddress(this.target), err: cause.message }, 'upstream connection failed mid-stream');
        },
      });
    });
    client.once('close', () => upstream.destroy());
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
}
