import type { Member, Members } from './members.ts';
import type { Policy } from './policy.ts';

/**
 * Envoy's least_request: the less busy of two random members (power of two
 * choices), near the least-loaded choice for two reads, with no herd on the
 * one member that just looked idlest. With unequal weights (or a member
 * warming up) both candidates are drawn in proportion to their weight and
 * compared by requests in flight per unit of weight; a tie goes to the
 * first drawn, so idle members share requests by weight and busy ones by
 * what they can take.
 */
export class LeastRequest implements Policy {
  private readonly members: Members;
  /** Running sums of the live members' weights, for weighted draws. */
  private sums = new Float64Array(0);

  constructor(members: Members) {
    this.members = members;
  }

  choose(_request: unknown, avoid: Member | null): Member | null {
    const members = this.members;
    members.refresh();
    const live = members.live;
    const n = live.length;
    if (n === 0) return null;
    if (n === 1) return live[0]!;
    if (members.uniform) {
      const i = (Math.random() * n) | 0;
      let j = (Math.random() * (n - 1)) | 0;
      if (j >= i) j++;
      const a = live[i]!;
      const b = live[j]!;
      return a === avoid ? b : b === avoid ? a : b.replica.inFlight < a.replica.inFlight ? b : a;
    }
    const total = this.weigh(live);
    const i = this.draw(total, -1);
    const j = this.draw(total - (this.sums[i]! - (i === 0 ? 0 : this.sums[i - 1]!)), i);
    const a = live[i]!;
    const b = live[j]!;
    if (a === avoid) return b;
    if (b === avoid) return a;
    const now = performance.now();
    return b.replica.inFlight / members.weight(b, now) < a.replica.inFlight / members.weight(a, now) ? b : a;
  }

  private weigh(live: readonly Member[]): number {
    if (this.sums.length < live.length) this.sums = new Float64Array(live.length);
    const now = performance.now();
    let total = 0;
    for (let k = 0; k < live.length; k++) {
      total += this.members.weight(live[k]!, now);
      this.sums[k] = total;
    }
    return total;
  }

  /** An index drawn in proportion to weight, skipping `except` (whose weight `total` leaves out). */
  private draw(total: number, except: number): number {
    let target = Math.random() * total;
    const sums = this.sums;
    const n = this.members.live.length;
    for (let k = 0; k < n; k++) {
      if (k === except) {
        target += sums[k]! - (k === 0 ? 0 : sums[k - 1]!);
        continue;
      }
      if (target < sums[k]!) return k;
    }
    return except === n - 1 ? n - 2 : n - 1;
  }
}
