import type { HedgeConfig } from './config.ts';
import { LatencyWindow } from './latency-window.ts';

/**
 * A quiet spell saves up the hedges of this many first leaf requests, so a
 * burst of stragglers after it is hedged too (stragglers come in bursts: a
 * leaf's GC pause delays every request in flight to it).
 */
const SAVED_REQUESTS = 1000;
/** Tokens are counted in millionths, so twenty 5% shares make exactly one hedge. */
const ONE = 1_000_000;

/**
 * When a slow leaf request is raced by another replica, and how many such
 * races the listener can afford. `after` is fixed, or a percentile of the
 * leaf's own recent latency (each leaf has its own window: a leaf that is
 * always slower is not hedged for that alone). The budget is a token bucket
 * filled by `max_extra` per first leaf request, one token per hedge, starting
 * empty, so hedges never exceed `max_extra` of leaf requests at any moment.
 */
export class HedgePolicy {
  readonly maxPerLeaf: number;
  private readonly fixedMs: number | null;
  private readonly quantile: number;
  private readonly earn: number;
  private readonly saved: number;
  private tokens = 0;

  constructor(config: HedgeConfig) {
    this.maxPerLeaf = config.max_per_leaf;
    this.fixedMs = 'ms' in config.after ? config.after.ms : null;
    this.quantile = 'percentile' in config.after ? config.after.percentile : 0;
    this.earn = Math.round(config.max_extra * ONE);
    this.saved = Math.max(ONE, this.earn * SAVED_REQUESTS);
  }

  /** A window for one leaf's latency, when `after` is a percentile. */
  window(): LatencyWindow | null {
    return this.fixedMs === null ? new LatencyWindow(this.quantile) : null;
  }

  /** How long after it was sent a leaf request is hedged (Infinity: not yet known). */
  delay(window: LatencyWindow | null): number {
    return this.fixedMs ?? window!.value;
  }

  /** A first leaf request went out: it earns its share of a hedge. */
  sent(): void {
    this.tokens = Math.min(this.saved, this.tokens + this.earn);
  }

  /** Takes one hedge from the budget; false when it is spent. */
  afford(): boolean {
    if (this.tokens < ONE) return false;
    this.tokens -= ONE;
    return true;
  }
}
