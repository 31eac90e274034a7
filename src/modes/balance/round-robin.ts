import type { Member, Members } from './members.ts';
import type { Policy } from './policy.ts';

/**
 * nginx's round robin (ngx_http_upstream_get_peer): with equal weights a
 * cursor; otherwise smooth weighted round robin — each pick adds every
 * member's weight to its running weight, the largest wins and gives back
 * the total — which interleaves weights 5:1:1 as a a b a c a a rather than
 * in runs of five.
 */
export class RoundRobin implements Policy {
  private readonly members: Members;
  private cursor = 0;

  constructor(members: Members) {
    this.members = members;
  }

  choose(_request: unknown, avoid: Member | null): Member | null {
    const members = this.members;
    members.refresh();
    const live = members.live;
    const n = live.length;
    if (n === 0) return null;
    if (members.uniform) {
      let chosen = this.next(live);
      if (chosen === avoid && n > 1) chosen = this.next(live);
      return chosen;
    }
    const now = performance.now();
    let total = 0;
    let best: Member | null = null;
    for (const member of live) {
      if (member === avoid && n > 1) continue;
      const weight = members.weight(member, now);
      member.current += weight;
      total += weight;
      if (best === null || member.current > best.current) best = member;
    }
    best!.current -= total;
    return best;
  }

  private next(live: readonly Member[]): Member {
    if (this.cursor >= live.length) this.cursor = 0;
    return live[this.cursor++]!;
  }
}
