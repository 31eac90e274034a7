import type net from 'node:net';
import { z } from 'zod';
import { address, duration } from '../config/values.ts';
import { formatAddress } from '../net/address.ts';
import { ConnectionSet } from '../net/connection-set.ts';
import { connectWithTimeout, splice } from '../net/splice.ts';
import type { ModeContext, ModeDefinition, ModeHandler } from './mode.ts';

const schema = z.strictObject({
  mode: z.literal('tcp'),
  listen: address,
  upstreams: z.array(address).min(1, 'needs at least one upstream'),
  connect_timeout: duration.default(1000).describe('Give up on an upstream that has not accepted within this.'),
  idle_timeout: duration.default(0).describe('Close a connection silent in both directions this long; 0 disables.'),
}).describe('Layer-4 proxy: each client connection is spliced to the next upstream, round-robin.');

export type TcpConfig = z.output<typeof schema>;

/**
 * Layer-4 proxy. Each client connection goes to the next upstream in
 * round-robin order; one that refuses or times out is skipped, so a client is
 * only turned away when every upstream failed it. Bytes are piped both ways
 * with stream backpressure, and a FIN from either side is passed on as a FIN
 * (half-close), so request/response protocols that shut down writes work.
 */
class TcpProxy implements ModeHandler {
  private readonly config: TcpConfig;
  private readonly context: ModeContext;
  private readonly connections: ConnectionSet;
  private next = 0;

  constructor(config: TcpConfig, context: ModeContext) {
    this.config = config;
    this.context = context;
    this.connections = new ConnectionSet(context.metrics);
  }

  accept(client: net.Socket): void {
    const metrics = this.context.metrics;
    metrics.requests.value++;
    const started = performance.now();
    this.connections.add(client, () => metrics.duration.observe((performance.now() - started) / 1000));
    client.setNoDelay(true);
    client.on('error', () => {});
    const first = this.next;
    this.next = (this.next + 1) % this.config.upstreams.length;
    this.connect(client, first, 0);
  }

  private connect(client: net.Socket, index: number, attempt: number): void {
    const upstreams = this.config.upstreams;
    const target = upstreams[index]!;
    const upstream = connectWithTimeout(target, this.config.connect_timeout, (error, connected) => {
      if (!error) {
        splice(client, connected, this.config.idle_timeout, {
          upstreamError: (cause) => {
            this.context.metrics.error('upstream_reset');
            this.context.log.warn({ upstream: formatAddress(target), err: cause.message }, 'upstream connection failed mid-stream');
          },
          idle: () => this.context.metrics.error('idle_timeout'),
        });
        return;
      }
      this.context.metrics.error(`upstream_${(error.code ?? 'error').toLowerCase()}`);
      const last = attempt + 1 >= upstreams.length;
      this.context.log.warn({ upstream: formatAddress(target), err: error.message, client: client.remoteAddress, retry: !last }, 'upstream connect failed');
      if (last || client.destroyed) client.destroy();
      else this.connect(client, (index + 1) % upstreams.length, attempt + 1);
    });
    client.once('close', () => upstream.destroy());
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return null;
  }

  drain(): Promise<void> {
    return this.connections.empty();
  }

  destroy(): void {
    this.connections.destroyAll();
  }

  stats(): Record<string, unknown> {
    return { connections: this.connections.size, upstreams: this.config.upstreams.map(formatAddress) };
  }
}

export const tcpMode: ModeDefinition<TcpConfig> = {
  name: 'tcp',
  schema,
  create: (config, context) => new TcpProxy(config, context),
};
