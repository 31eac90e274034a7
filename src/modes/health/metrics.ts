import type { Counter, Gauge, Histogram, Registry } from '../../metrics/registry.ts';
import type { CheckType } from './schema.ts';

/**
 * The series of one check, labelled by listener and check. With `workers: N`
 * every worker runs the checks, and the gauges add up over the workers.
 */
export class CheckMetrics {
  readonly passed: Counter;
  readonly failed: Counter;
  readonly timedOut: Counter;
  /** Runs not started because the previous one had not ended. */
  readonly skipped: Counter;
  readonly duration: Histogram;
  readonly up: Gauge;

  constructor(registry: Registry, listener: string, check: string, type: CheckType) {
    const labels = { listener, check };
    const runs = (result: string) => registry.counter('padda_health_check_runs_total', 'Health check runs by result (pass, fail, timeout).', { ...labels, result });
    this.passed = runs('pass');
    this.failed = runs('fail');
    this.timedOut = runs('timeout');
    this.skipped = registry.counter('padda_health_check_skipped_total', 'Health check runs not started because the previous run was still in flight.', labels);
    this.duration = registry.histogram('padda_health_check_duration_seconds', 'Time a health check run took (a timed-out run counts its timeout).', labels);
    this.up = registry.gauge('padda_health_check_up', 'Whether the check passes now (thresholds and max_age applied): 1 or 0.', { ...labels, type });
  }
}
