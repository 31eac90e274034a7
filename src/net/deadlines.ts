/**
 * Timeouts by the hundred thousand without a timer each: everything that
 * can time out (a client's header or body deadline, an idle keep-alive
 * connection, an upstream's answer) carries a `deadline` and joins one list;
 * a single ticker expires what is due. Setting a deadline is a store, and
 * the clock it is measured on is read once per tick, so the request path
 * neither reads the clock nor arms a timer. Deadlines land within one tick
 * (TICK_MS) after they are due.
 *
 *   item.deadline = deadlines.now + 5000;
 *   deadlines.track(item);      // item.expire() runs once it is due, and the item leaves the list
 *   deadlines.untrack(item);
 *
 * The list is an array in which each item knows its own slot (leaving swaps
 * the last item into it), not a Set: a Set that a request joins and leaves
 * ten thousand times a second is rehashed as often, and V8 keeps every
 * replaced table pointing at its successor. Once such a table reached the
 * old generation it held each request object it saw alive past the next
 * scavenge, which promoted them and all they held: 10 MB per scavenge at
 * 10k requests/s, scavenges of 40 ms, and a mark-compact every 2 s.
 */
export interface Expiring {
  /** When it is due, on the `now` clock (ms). */
  deadline: number;
  /** Its slot in the list, -1 when not tracked: the list's own field, start it at -1. */
  deadlineSlot: number;
  expire(): void;
}

export const TICK_MS = 50;

export class Deadlines {
  /** ms since start, updated each tick (and on each track when the ticker was idle). */
  now = performance.now();
  private readonly items: Expiring[] = [];
  private ticker: NodeJS.Timeout | null = null;

  track(item: Expiring): void {
    if (item.deadlineSlot < 0) {
      item.deadlineSlot = this.items.length;
      this.items.push(item);
    }
    if (this.ticker === null) {
      this.now = performance.now();
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref();
    }
  }

  untrack(item: Expiring): void {
    const slot = item.deadlineSlot;
    if (slot < 0) return;
    item.deadlineSlot = -1;
    const last = this.items.pop()!;
    if (last !== item) {
      this.items[slot] = last;
      last.deadlineSlot = slot;
    }
  }

  get size(): number {
    return this.items.length;
  }

  private tick(): void {
    const now = (this.now = performance.now());
    const items = this.items;
    // From the end, so that leaving (which moves the last item into the slot left) skips nothing unvisited.
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      // An expire() may have untracked others: the list can be shorter than i now.
      if (item === undefined || item.deadline > now) continue;
      this.untrack(item);
      item.expire();
    }
    if (items.length === 0 && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

/** The process's one list: a single ticker serves every listener. */
export const deadlines = new Deadlines();
