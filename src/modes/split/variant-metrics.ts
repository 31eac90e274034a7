import { histogramQuantile } from '../../metrics/quantile.ts';
import type { Counter, Histogram, Registry } from '../../metrics/registry.ts';

/**
 * Latency buckets 25 % apart from 50 µs to ~13 s: fine enough that the p50
 * and p99 /stats shows side by side are within a quarter of the truth, which
 * the coarse listener buckets are not.
 */
const FINE_BUCKETS: readonly number[] = Array.from({ length: 57 }, (_, i) => Number((0.00005 * 1.25 ** i).toPrecision(3)));

/** Per-variant series: what an experiment is run to compare. */
export class VariantMetrics {
  readonly name: string;
  readonly requests: Counter;
  readonly errors: Counter;
  readonly duration: Histogram;

  constructor(registry: Registry, listener: string, variant: string) {
    const labels = { listener, variant };
    this.name = variant;
    this.requests = registry.counter('padda_split_requests_total', 'Requests a variant served (mirrored copies not included).', labels);
    this.errors = registry.counter('padda_split_errors_total', 'Requests of a variant answered 5xx or not answered in full (clients leaving not counted).', labels);
    this.duration = registry.histogram('padda_split_request_duration_seconds', 'Time from request to the last byte of the answer, per variant.', labels, FINE_BUCKETS);
  }

  /** One exchange of this variant ended (the TargetPicker finish hook's arguments). */
  finished(status: number, reason: string | null, started: number): void {
    this.requests.value++;
    if (status >= 500 || (reason !== null && reason !== 'client_closed')) this.errors.value++;
    if (reason !== 'client_closed') this.duration.observe((performance.now() - started) / 1000);
  }

  /** The side-by-side row of /stats. */
  stats(): Record<string, unknown> {
    const requests = this.requests.value;
    const ms = (q: number) => {
      const value = histogramQuantile(this.duration, q);
      return Number.isNaN(value) ? null : Number((value * 1000).toPrecision(3));
    };
    return {
      requests,
      errors: this.errors.value,
      error_rate: requests === 0 ? 0 : Number((this.errors.value / requests).toPrecision(4)),
      p50_ms: ms(0.5),
      p99_ms: ms(0.99),
    };
  }
}
