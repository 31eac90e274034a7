/**
 * Timeouts by the hundred thousand without a timer each: everything that
 * can time out (a client's header or body deadline, an idle keep-alive
 * connection, an upstream's answer) carries a `deadline` and joins one set;
 * a single ticker expires what is due. Setting a deadline is a store, and
 * the clock it is measured on is read once per tick, so the request path
 * neither reads the clock nor arms a timer. Deadlines land within one tick
 * (TICK_MS) after they are due.
 *
 *   item.deadline = deadlines.now + 5000;
 *   deadlines.track(item);      // item.expire() runs once it is due, and the item leaves the set
 *   deadlines.untrack(item);
 */
export interface Expiring {
  /** When it is due, on the `now` clock (ms). */
  deadline: number;
  expire(): void;
}

export const TICK_MS = 50;

export class Deadlines {
  /** ms since start, updated each tick (and on each track when the ticker was idle). */
  now = performance.now();
  private readonly items = new Set<Expiring>();
  private ticker: NodeJS.Timeout | null = null;

  track(item: Expiring): void {
    this.items.add(item);
    if (this.ticker === null) {
      this.now = performance.now();
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref();
    }
  }

  untrack(item: Expiring): void {
    this.items.delete(item);
  }

  get size(): number {
    return this.items.size;
  }

  private tick(): void {
    const now = (this.now = performance.now());
    for (const item of this.items) {
      if (item.deadline <= now) {
        this.items.delete(item);
        item.expire();
      }
    }
    if (this.items.size === 0 && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

/** The process's one set: a single ticker serves every listener. */
export const deadlines = new Deadlines();
