import type { Origin } from '../../http/upstream/origin.ts';
import type { Replica } from '../../http/upstream/replica.ts';
import type { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { SlowStartConfig } from './schema.ts';

/** A replica as the balancer sees it: its configured weight, and since when it is back (for slow start). */
export interface Member {
  readonly replica: Replica<Origin>;
  readonly weight: number;
  /** performance.now() when it last became available; -Infinity for replicas up from the start. */
  since: number;
  /** Smooth weighted round robin's running weight (nginx's peer->current_weight). */
  current: number;
}

/**
 * The available replicas of a balanced set with their weights. The replica
 * set hands out a new array of available replicas whenever one is ejected,
 * fails its checks or comes back; `refresh()` compares that array's identity,
 * so the hot path pays one comparison and rebuilds only on a change.
 *
 * Slow start as Envoy's (slow_start_config): a replica that comes back
 * weighs weight × max(min_weight_percent, elapsed / window) until the window
 * is over, so a cold cache or JIT is not handed a full share at once.
 * Replicas up at start are not warmed: there is nobody else to take the load.
 */
export class Members {
  readonly all: readonly Member[];
  /** The available members, in the set's order. */
  live: Member[] = [];
  /** Whether every live member weighs the same now (no weights, nobody warming): the policies' fast paths. */
  uniform = true;
  private readonly set: ReplicaSet<Origin>;
  private readonly slowStart: SlowStartConfig | null;
  private seen: readonly Replica<Origin>[] | null = null;
  private warmUntil = 0;

  constructor(set: ReplicaSet<Origin>, weights: readonly number[], slowStart: SlowStartConfig | null) {
    this.set = set;
    this.slowStart = slowStart;
    this.all = set.replicas.map((replica, i) => ({ replica, weight: weights[i]!, since: -Infinity, current: 0 }));
    this.refresh();
  }

  /** Brings `live` up to date with the set; true when it changed. */
  refresh(): boolean {
    const up = this.set.availableReplicas;
    if (up === this.seen) {
      if (this.warmUntil !== 0 && performance.now() >= this.warmUntil) this.settle();
      return false;
    }
    const first = this.seen === null;
    this.seen = up;
    const now = performance.now();
    const live: Member[] = [];
    for (const member of this.all) {
      const available = member.replica.available;
      const wasLive = this.live.includes(member);
      if (available && !wasLive && !first && this.slowStart !== null) member.since = now;
      if (available) live.push(member);
      if (!available) member.current = 0;
    }
    this.live = live;
    this.settle();
    return true;
  }

  /** A member's weight now: its configured weight, scaled down while it warms up. */
  weight(member: Member, now: number): number {
    const slowStart = this.slowStart;
    if (slowStart === null) return member.weight;
    const elapsed = now - member.since;
    if (elapsed >= slowStart.window) return member.weight;
    return member.weight * Math.max(slowStart.min_weight_percent / 100, elapsed / slowStart.window);
  }

  private settle(): void {
    const now = performance.now();
    let warmUntil = 0;
    if (this.slowStart !== null) {
      for (const member of this.live) {
        const end = member.since + this.slowStart.window;
        if (end > now) warmUntil = Math.max(warmUntil, end);
      }
    }
    this.warmUntil = warmUntil;
    const first = this.live[0]?.weight;
    this.uniform = warmUntil === 0 && this.live.every((m) => m.weight === first);
  }
}
