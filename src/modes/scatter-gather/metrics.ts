import { ResponseCounters } from '../../http/forward/response-counters.ts';
import { CountersByLabel } from '../../metrics/counters-by-label.ts';
import type { Counter, Histogram, Registry } from '../../metrics/registry.ts';

/**
 * The root's own series, labelled `listener` (and `leaf` per leaf). The hot
 * path bumps fields; nothing is formatted until a scrape.
 */
export class ScatterMetrics {
  /** Every request sent to a leaf replica: first ones, retries and hedges. */
  readonly leafRequests: Counter;
  readonly hedges: Counter;
  readonly hedgesWon: Counter;
  readonly hedgesDenied: Counter;
  readonly cancelled: Counter;
  readonly partial: Counter;
  readonly responses: ResponseCounters;
  private readonly registry: Registry;
  private readonly listener: string;

  constructor(registry: Registry, listener: string) {
    this.registry = registry;
    this.listener = listener;
    const labels = { listener };
    this.leafRequests = registry.counter('padda_scatter_leaf_requests_total', 'Requests sent to leaf replicas (first requests, retries and hedges).', labels);
    this.hedges = registry.counter('padda_scatter_hedges_total', 'Hedged requests sent: a slow leaf request raced on another replica.', labels);
    this.hedgesWon = registry.counter('padda_scatter_hedges_won_total', 'Hedged requests whose answer was used.', labels);
    this.hedgesDenied = registry.counter('padda_scatter_hedges_denied_total', 'Leaf requests that were due a hedge when the budget (max_extra) was spent.', labels);
    this.cancelled = registry.counter('padda_scatter_cancelled_total', 'Leaf requests cancelled: lost a hedge race, cut by the deadline, or their client left.', labels);
    this.partial = registry.counter('padda_scatter_partial_answers_total', 'Answers sent without every leaf (x-padda-partial).', labels);
    this.responses = new ResponseCounters(registry, listener);
  }

  leafLatency(leaf: string): Histogram {
    return this.registry.histogram('padda_scatter_leaf_duration_seconds', 'Time from sending a leaf request to its good answer.', { listener: this.listener, leaf });
  }

  /** One leaf's failures by reason, each series made on the reason's first use. */
  leafFailures(leaf: string): CountersByLabel {
    return new CountersByLabel(this.registry, 'padda_scatter_leaf_failures_total', 'Leaf requests that failed, by reason.', { listener: this.listener, leaf }, 'reason');
  }
}
