import type net from 'node:net';
import type { Downstream } from '../../http/downstream/downstream.ts';
import { httpFront } from '../../http/front.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { ShardPicker } from './picker.ts';
import type { ShardRouterConfig } from './schema.ts';
import { ShardTable } from './shard-table.ts';

/**
 * The book's sharded HTTP service (ch. 6): Downstream → HttpProxy → the
 * shard that owns the request's key → one of its replicas.
 */
export class ShardRouter implements ModeHandler {
  private readonly config: ShardRouterConfig;
  private readonly table: ShardTable;
  private readonly downstream: Downstream;

  constructor(config: ShardRouterConfig, context: ModeContext) {
    this.config = config;
    this.table = new ShardTable(config, context);
    this.downstream = httpFront(new ShardPicker(this.table, config), config, context);
  }

  accept(socket: net.Socket): void {
    this.downstream.accept(socket);
  }

  start(): Promise<void> {
    this.table.start();
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return this.table.anyAvailable ? null : 'every shard is down';
  }

  async drain(): Promise<void> {
    await this.downstream.drain();
    await this.table.close();
  }

  destroy(): void {
    this.downstream.destroy();
    this.table.destroy();
  }

  stats(): Record<string, unknown> {
    return {
      connections: this.downstream.connectionCount,
      key: this.config.key,
      distribution: this.config.distribution,
      balance_factor: this.config.balance_factor ?? null,
      shards: this.table.stats(),
    };
  }
}
