import { decide, type Verdict } from './gcra.ts';
import { KeyTable } from './key-table.ts';
import type { Bucket } from './rules.ts';

/** Keys looked at per sweep step; a step runs at most every SWEEP_EVERY ms, on traffic. */
const SWEEP_BUDGET = 5000;
const SWEEP_EVERY = 50;

/**
 * Counters in this process: each decision is all-or-nothing over the
 * request's buckets (as nginx limit_req with several zones: a request one
 * rule refuses is charged to none), and the idle keys are swept a slice at
 * a time as requests come, so no timer outlives a reload.
 */
export class LocalStore {
  readonly table: KeyTable;
  private readonly next = new Float64Array(64);
  private lastSweep = 0;

  constructor(maxKeys: number) {
    this.table = new KeyTable(maxKeys);
  }

  /** Decides `count` buckets at `now`; verdicts[i] gets bucket i's. Charges all when all admit; true then. */
  decide(buckets: readonly Bucket[], keys: readonly string[], count: number, now: number, verdicts: readonly Verdict[], cost = 1): boolean {
    const table = this.table;
    let admitted = true;
    for (let i = 0; i < count; i++) {
      this.next[i] = decide(buckets[i]!, table.get(keys[i]!), now, cost, verdicts[i]!);
      if (!verdicts[i]!.admitted) admitted = false;
    }
    if (admitted) for (let i = 0; i < count; i++) table.set(keys[i]!, this.next[i]!, now);
    if (now - this.lastSweep >= SWEEP_EVERY) {
      this.lastSweep = now;
      table.sweep(now, SWEEP_BUDGET);
    }
    return admitted;
  }
}
