import type net from 'node:net';
import { z } from 'zod';
import { address, duration } from '../config/values.ts';
import { formatAddress } from '../net/address.ts';
import { TcpRelay } from '../net/tcp-relay.ts';
import type { ModeContext, ModeDefinition, ModeHandler } from './mode.ts';

const schema = z.strictObject({
  mode: z.literal('tcp'),
  listen: address,
  upstreams: z.array(address).min(1, 'needs at least one upstream'),
  connect_timeout: duration.default(1000).describe('Give up on an upstream that has not accepted within this.'),
  idle_timeout: duration.default(0).describe('Close a connection silent in both directions this long; 0 disables.'),
}).describe('Layer-4 proxy: each client connection is spliced to the next upstream, round-robin.');

export type TcpConfig = z.output<typeof schema>;

/** The tcp mode: a TcpRelay over the configured upstreams. */
class TcpProxy implements ModeHandler {
  private readonly config: TcpConfig;
  private readonly relay: TcpRelay;

  constructor(config: TcpConfig, context: ModeContext) {
    this.config = config;
    this.relay = new TcpRelay({ upstreams: config.upstreams, connectTimeout: config.connect_timeout, idleTimeout: config.idle_timeout }, context);
  }

  accept(client: net.Socket): void {
    this.relay.accept(client);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return null;
  }

  drain(): Promise<void> {
    return this.relay.drain();
  }

  destroy(): void {
    this.relay.destroy();
  }

  stats(): Record<string, unknown> {
    return { connections: this.relay.connectionCount, upstreams: this.config.upstreams.map(formatAddress) };
  }
}

export const tcpMode: ModeDefinition<TcpConfig> = {
  name: 'tcp',
  schema: async () => schema,
  create: (config, context) => new TcpProxy(config, context),
};
