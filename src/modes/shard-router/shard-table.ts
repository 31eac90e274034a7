import { BoundedLoads, Latin1Hasher, NO_SERVER, ServerLoads, type Distribution } from '../../hash/index.ts';
import { originSettings } from '../../http/options.ts';
import { Origin } from '../../http/upstream/origin.ts';
import type { OriginAddress } from '../../http/upstream/origin-address.ts';
import { replicaAddresses } from '../../http/upstream/replica-options.ts';
import { ReplicaSet, type ReplicaSetContext } from '../../http/upstream/replica-set.ts';
import type { Counter } from '../../metrics/registry.ts';
import { shardPlacement } from './placement.ts';
import type { ShardRouterConfig } from './schema.ts';

export interface Shard {
  readonly name: string;
  readonly set: ReplicaSet<Origin>;
  readonly requests: Counter;
}

/**
 * The shards of one router and where a key goes now. With every shard up a
 * key goes where the distribution puts it (for ketama_nginx: where nginx
 * does). With `on_shard_down: next`, a shard whose replicas are all down
 * leaves the distribution — on a ring its keys fall to the next shard
 * clockwise and no other key moves — until it comes back. With
 * `balance_factor`, in-flight requests per shard are counted and a shard at
 * its bound passes the request on along the ring (bounded loads).
 */
export class ShardTable {
  readonly shards: Shard[];
  /** In-flight requests per shard, for bounded loads; kept whether or not a bound applies. */
  readonly loads: ServerLoads;
  private readonly base: Distribution;
  private readonly hasher: Latin1Hasher;
  private readonly balanceFactor: number | undefined;
  private readonly spills: Counter;
  private current: Distribution;
  private bounded: BoundedLoads | null;

  constructor(config: ShardRouterConfig, context: ReplicaSetContext) {
    const placement = shardPlacement(config);
    this.base = placement.distribution;
    this.current = this.base;
    this.hasher = new Latin1Hasher(placement.keyHash);
    this.balanceFactor = config.balance_factor;
    this.bounded = config.balance_factor === undefined ? null : new BoundedLoads(this.base, config.balance_factor);
    this.loads = new ServerLoads(config.shards.length);
    // The replica set ejects by its own rules; the origins' own connect-failure ejection stays off.
    const settings = { ...originSettings(config.pool, config.timeouts.connect), failureLimit: 0 };
    const connect = (address: OriginAddress) => new Origin(address, settings, context.log);
    this.shards = config.shards.map((spec) => {
      const set = new ReplicaSet(spec.name, replicaAddresses(spec.replicas), config, connect, context);
      if (config.on_shard_down === 'next') set.onAvailabilityChange = () => this.relayout();
      const requests = context.registry.counter('padda_shard_requests_total', 'Requests routed to a shard.', { listener: context.listener, shard: spec.name });
      return { name: spec.name, set, requests };
    });
    this.spills = context.registry.counter('padda_shard_spills_total', 'Requests bounded loads sent past their key\'s shard, which was at its bound.', { listener: context.listener });
  }

  /** The shard index for a key (latin1 string), or NO_SERVER when no shard can take it. */
  route(key: string): number {
    const hash = this.hasher.hash(key);
    const owner = this.current.pick(hash);
    const bounded = this.bounded;
    if (bounded === null || owner === NO_SERVER || bounded.eligible(owner, this.loads)) return owner;
    this.spills.value++;
    return bounded.pick(hash, this.loads);
  }

  get anyAvailable(): boolean {
    return this.shards.some((s) => s.set.available);
  }

  start(): void {
    for (const shard of this.shards) shard.set.start();
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.set.close()));
  }

  destroy(): void {
    for (const shard of this.shards) shard.set.destroy();
  }

  stats(): Record<string, unknown>[] {
    return this.shards.map((shard, i) => ({
      shard: shard.name,
      weight: this.base.servers[i]!.weight,
      requests: shard.requests.value,
      in_flight: this.loads.loads[i],
      in_distribution: this.current.live[i],
      ...shard.set.stats(),
    }));
  }

  /** A shard went down or came back: lay the distribution out over the shards that are up. */
  private relayout(): void {
    this.current = this.base.withLive(this.shards.map((s) => s.set.available));
    if (this.balanceFactor !== undefined) this.bounded = new BoundedLoads(this.current, this.balanceFactor);
  }
}
