import type { CheckDetails } from './checks/check.ts';
import type { CheckTiming } from './schema.ts';

/** What one run of a check found. */
export interface RunResult {
  ok: boolean;
  /** When the run ended (epoch ms). */
  at: number;
  latencyMs: number;
  /** Why it failed; null when it passed. */
  error: string | null;
  details: CheckDetails;
}

export interface Verdict {
  passing: boolean;
  /** Why it does not pass; null when it does. */
  reason: string | null;
}

/**
 * A check's results turned into passing or failing, with thresholds against
 * flapping (HAProxy's rise/fall, Envoy's healthy/unhealthy_threshold): a
 * passing check fails after `failureThreshold` failed runs in a row, a
 * failing one passes after `successThreshold` passed runs. As in Envoy, the
 * first result after start decides alone: an adapter that starts should not
 * wait several intervals to say its app is fine. A last result older than
 * `maxAge` fails whatever it said: the runner is stuck, or the process was.
 */
export class CheckState {
  private readonly timing: CheckTiming;
  private passing: boolean | null = null;
  last: RunResult | null = null;
  lastFailure: RunResult | null = null;
  consecutiveSuccesses = 0;
  consecutiveFailures = 0;

  constructor(timing: CheckTiming) {
    this.timing = timing;
  }

  record(result: RunResult): void {
    this.last = result;
    if (result.ok) {
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
      if (this.passing === null || this.consecutiveSuccesses >= this.timing.successThreshold) this.passing = true;
    } else {
      this.lastFailure = result;
      this.consecutiveFailures++;
      this.consecutiveSuccesses = 0;
      if (this.passing === null || this.consecutiveFailures >= this.timing.failureThreshold) this.passing = false;
    }
  }

  verdict(now: number): Verdict {
    const last = this.last;
    if (last === null) return { passing: false, reason: 'no result yet' };
    const age = now - last.at;
    if (age > this.timing.maxAge) return { passing: false, reason: `last result is ${Math.round(age)} ms old (max_age ${this.timing.maxAge} ms)` };
    if (this.passing) return { passing: true, reason: null };
    if (last.ok) return { passing: false, reason: `recovering: ${this.consecutiveSuccesses} of ${this.timing.successThreshold} passes after: ${this.lastFailure?.error}` };
    return { passing: false, reason: last.error };
  }
}
