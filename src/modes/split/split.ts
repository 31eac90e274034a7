import type net from 'node:net';
import type { Downstream } from '../../http/downstream/downstream.ts';
import { httpFront } from '../../http/front.ts';
import { originSettings } from '../../http/options.ts';
import { Origin } from '../../http/upstream/origin.ts';
import type { OriginAddress } from '../../http/upstream/origin-address.ts';
import { replicaAddresses } from '../../http/upstream/replica-options.ts';
import { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { BucketTable } from './buckets.ts';
import { Mirror } from './mirror.ts';
import { SplitPicker, type Variant } from './picker.ts';
import type { SplitConfig } from './schema.ts';
import { ShadowComparison } from './shadow-compare.ts';
import { Sticky } from './sticky.ts';
import { VariantMetrics } from './variant-metrics.ts';

/**
 * The book's experiment splitter (ch. 3): Downstream → HttpProxy → the
 * variant of the user's bucket → one of its replicas; plus, optionally,
 * shadow copies of requests to another variant or upstream, compared with
 * the answers users got.
 */
export class Split implements ModeHandler {
  private readonly config: SplitConfig;
  private readonly variants: Variant[];
  private readonly sets: ReplicaSet<Origin>[];
  private readonly table: BucketTable;
  private readonly mirror: Mirror | null = null;
  private readonly downstream: Downstream;

  constructor(config: SplitConfig, context: ModeContext) {
    this.config = config;
    // The replica sets eject by their own rules; the origins' own connect-failure ejection stays off.
    const settings = { ...originSettings(config.pool, config.timeouts.connect), failureLimit: 0 };
    const connect = (address: OriginAddress) => new Origin(address, settings, context.log);
    const replicaSet = (name: string, replicas: readonly string[]) => new ReplicaSet(name, replicaAddresses(replicas), config, connect, context);
    this.variants = config.variants.map((v) => ({
      name: v.name,
      weight: v.weight,
      set: replicaSet(v.name, v.replicas),
      metrics: new VariantMetrics(context.registry, context.listener, v.name),
    }));
    this.sets = this.variants.map((v) => v.set);
    this.table = new BucketTable(config.variants);
    let comparison: ShadowComparison | null = null;
    if (config.mirror) {
      const m = config.mirror;
      const targetVariant = this.variants.findIndex((v) => v.name === m.to);
      const target = targetVariant >= 0 ? this.variants[targetVariant]!.set : replicaSet('mirror', [m.to]);
      if (targetVariant < 0) this.sets.push(target);
      comparison = m.compare ? new ShadowComparison(context.registry, context.listener, m.differences) : null;
      this.mirror = new Mirror(m, target, targetVariant, comparison, config.preserve_host, context.registry, context.listener);
    }
    const picker = new SplitPicker(this.variants, this.table, new Sticky(config.sticky), this.mirror, comparison);
    this.downstream = httpFront(picker, config, context);
  }

  accept(socket: net.Socket): void {
    this.downstream.accept(socket);
  }

  start(): Promise<void> {
    for (const set of this.sets) set.start();
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return this.variants.some((v) => v.weight > 0 && v.set.available) ? null : 'every variant is down';
  }

  async drain(): Promise<void> {
    await this.downstream.drain();
    await Promise.all(this.sets.map((set) => set.close()));
  }

  destroy(): void {
    this.downstream.destroy();
    for (const set of this.sets) set.destroy();
  }

  stats(): Record<string, unknown> {
    const shares = this.table.shares(this.variants.length);
    return {
      connections: this.downstream.connectionCount,
      sticky: this.config.sticky.by,
      variants: this.variants.map((v, i) => ({
        variant: v.name,
        weight: v.weight,
        share_percent: shares[i],
        ...v.metrics.stats(),
        ...v.set.stats(),
      })),
      ...(this.mirror ? { mirror: this.mirror.stats() } : {}),
    };
  }
}
