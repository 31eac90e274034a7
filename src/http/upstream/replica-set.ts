import type { Logger } from '../../log.ts';
import type { Registry } from '../../metrics/registry.ts';
import { AddressRefresh, resolvableHost, systemResolve, type Resolve } from './address-refresh.ts';
import { HealthCheck } from './health-check.ts';
import type { OriginAddress } from './origin-address.ts';
import { Replica, type ReplicaOrigin } from './replica.ts';
import type { ReplicaSetConfig } from './replica-options.ts';

export interface ReplicaSetContext {
  listener: string;
  log: Logger;
  registry: Registry;
}

/**
 * A set of interchangeable replicas of one service — a shard of the shard
 * router, a variant of the splitter, a leaf of scatter/gather — shared so
 * that every mode balances and ejects the same way.
 *
 *   const set = new ReplicaSet('shard-1', addresses, config, (address) => new Origin(address, settings, log), context);
 *   set.start();                                  // health checks and DNS refresh
 *   const replica = set.pick();                   // null: no replica available
 *   replica.origin.pool.acquire(...);             // then, exactly once:
 *   replica.release(status, reason);              // reason null = answered in full
 *   set.pick(replica);                            // a retry or hedge: another replica if there is one
 *   set.onAvailabilityChange = () => …;           // the set went down or came back
 *   await set.close();                            // after draining; or set.destroy()
 *
 * Balancing is power-of-two-choices least-in-flight: two distinct random
 * available replicas, the one with fewer requests in flight wins — near the
 * least-loaded choice at the cost of two reads, and no herd on one replica.
 * Health is passive (consecutive failures or 5xx eject a replica for
 * `eject.time`, then one request tries it again) and optionally active
 * (`health.path` checked every `health.interval`). Host names are resolved
 * again every `dns_refresh`.
 */
export class ReplicaSet<O extends ReplicaOrigin = ReplicaOrigin> {
  readonly name: string;
  readonly replicas: readonly Replica<O>[];
  /** Called when `available` flips, e.g. for a shard router to route around a shard that went down. */
  onAvailabilityChange: ((set: ReplicaSet<O>) => void) | null = null;
  private up: Replica<O>[];
  private readonly checks: HealthCheck[] = [];
  private readonly refreshes: AddressRefresh[] = [];
  private readonly config: ReplicaSetConfig;
  private readonly log: Logger;
  private readonly resolve: Resolve;

  constructor(
    name: string,
    addresses: readonly OriginAddress[],
    config: ReplicaSetConfig,
    connect: (address: OriginAddress) => O,
    context: ReplicaSetContext,
    resolve: Resolve = systemResolve,
  ) {
    if (addresses.length === 0) throw new RangeError(`replica set ${name} has no replicas`);
    this.name = name;
    this.config = config;
    this.log = context.log.child({ set: name });
    this.resolve = resolve;
    this.replicas = addresses.map((address) => {
      const labels = { listener: context.listener, set: name, replica: address.label };
      return new Replica<O>(address, {
        eject: config.eject,
        health: config.health,
        connect,
        log: this.log,
        up: context.registry.gauge('padda_replica_up', '1 while a replica takes traffic (not ejected, passing its health checks).', labels),
        ejections: context.registry.counter('padda_replica_ejections_total', 'Times a replica was ejected for failing real traffic.', labels),
        changed: () => this.changed(),
      });
    });
    this.up = [...this.replicas];
  }

  /** Whether some replica can take a request. */
  get available(): boolean {
    return this.up.length > 0;
  }

  /** How many replicas can take a request: with two or more, `pick(avoid)` never answers `avoid`. */
  get availableCount(): number {
    return this.up.length;
  }

  /**
   * The replicas that can take a request now. A new array whenever one
   * leaves or comes back, so a balancer can cache what it derives from it
   * (weights, a ring) and check for a change by identity.
   */
  get availableReplicas(): readonly Replica<O>[] {
    return this.up;
  }

  /** Starts active health checks and DNS re-resolution, where configured. */
  start(): void {
    for (const replica of this.replicas) {
      if (this.config.health) this.checks.push(new HealthCheck(replica, this.config.health));
      const host = this.config.dns_refresh > 0 ? resolvableHost(replica) : null;
      if (host !== null) this.refreshes.push(new AddressRefresh(replica, host, this.config.dns_refresh, this.resolve, this.log));
    }
    for (const check of this.checks) check.start();
    for (const refresh of this.refreshes) refresh.start();
  }

  /**
   * An available replica for one request, counted in flight until its
   * `release`; null when none is available. `avoid` (the replica a retry or
   * hedge already tried) is skipped when another is available.
   */
  pick(avoid: Replica<O> | null = null): Replica<O> | null {
    const up = this.up;
    const n = up.length;
    let chosen: Replica<O>;
    if (n === 0) return null;
    if (n === 1) {
      chosen = up[0]!;
    } else {
      const i = (Math.random() * n) | 0;
      let j = (Math.random() * (n - 1)) | 0;
      if (j >= i) j++;
      const a = up[i]!;
      const b = up[j]!;
      chosen = a === avoid ? b : b === avoid ? a : b.inFlight < a.inFlight ? b : a;
    }
    chosen.inFlight++;
    return chosen;
  }

  stats(): Record<string, unknown> {
    return { available: this.available, replicas: this.replicas.map((r) => r.stats()) };
  }

  /** Stops checks and timers and closes every pool once its requests are done. */
  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.replicas.map((r) => r.origin.close().catch(() => {})));
  }

  destroy(): void {
    this.stop();
    for (const replica of this.replicas) replica.origin.destroy();
  }

  private stop(): void {
    for (const check of this.checks) check.stop();
    for (const refresh of this.refreshes) refresh.stop();
    for (const replica of this.replicas) replica.stop();
  }

  private changed(): void {
    const was = this.up.length > 0;
    this.up = this.replicas.filter((r) => r.available);
    if (was !== this.up.length > 0) {
      if (this.available) this.log.info('replica set is back');
      else this.log.warn('every replica of the set is down');
      this.onAvailabilityChange?.(this);
    }
  }
}
