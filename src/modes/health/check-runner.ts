import type { Logger } from '../../log.ts';
import { abortError } from '../../probe/connection.ts';
import { CheckFailure, type Check, type CheckDetails } from './checks/check.ts';
import { CheckState } from './check-state.ts';
import type { CheckMetrics } from './metrics.ts';
import type { CheckTiming } from './schema.ts';

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'CheckTimeout';
  }
}

class CheckStopped extends Error {}

/**
 * Runs one check every `interval`, at most one run at a time: a run still
 * going when the next is due makes that one skip. A run that has not ended
 * within `timeout` is recorded as failed at that moment and aborted, so a
 * hanging target costs one timeout, never a stuck probe; should a check
 * ignore the abort, its results go stale and max_age fails it.
 */
export class CheckRunner {
  readonly name: string;
  readonly check: Check;
  readonly timing: CheckTiming;
  readonly state: CheckState;
  readonly metrics: CheckMetrics;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private stopped = false;
  /** The verdict last logged: a log line is written when it changes. */
  private logged: boolean | null = null;

  constructor(name: string, check: Check, timing: CheckTiming, metrics: CheckMetrics, log: Logger) {
    this.name = name;
    this.check = check;
    this.timing = timing;
    this.state = new CheckState(timing);
    this.metrics = metrics;
    this.log = log;
  }

  /** Starts the schedule; resolves when the first run has a result, so a new listener answers from it. */
  start(): Promise<void> {
    this.timer = setInterval(() => this.tick(), this.timing.interval);
    this.timer.unref();
    return this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.controller?.abort(new CheckStopped('stopped'));
    this.check.close?.();
  }

  /** Whether it passes at `now`, for the probe, the report and the up gauge. */
  passing(now: number): boolean {
    return this.state.verdict(now).passing;
  }

  private tick(): Promise<void> {
    if (this.inFlight !== null) {
      this.metrics.skipped.inc();
      return Promise.resolve();
    }
    return this.runOnce();
  }

  /** Resolves when the run's result is recorded; `inFlight` clears only when the check itself has settled. */
  private runOnce(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const timeout = setTimeout(() => controller.abort(new CheckTimeout(this.timing.timeout)), this.timing.timeout);
    const started = performance.now();
    const settled = this.check.run(controller.signal).then(
      (details) => ({ ok: true as const, details }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const aborted = new Promise<{ ok: false; error: unknown }>((resolve) => {
      controller.signal.addEventListener('abort', () => resolve({ ok: false, error: abortError(controller.signal) }), { once: true });
    });
    this.inFlight = settled.then(() => {
      clearTimeout(timeout);
      this.inFlight = null;
    });
    return Promise.race([settled, aborted]).then((outcome) => {
      if (this.stopped) return;
      const latencyMs = performance.now() - started;
      this.metrics.duration.observe(latencyMs / 1000);
      if (outcome.ok) {
        this.metrics.passed.inc();
        this.record(true, latencyMs, null, outcome.details);
        return;
      }
      const error = outcome.error;
      if (error instanceof CheckTimeout) this.metrics.timedOut.inc();
      else this.metrics.failed.inc();
      this.record(false, latencyMs, errorText(error), error instanceof CheckFailure ? error.details : {});
    });
  }

  private record(ok: boolean, latencyMs: number, error: string | null, details: CheckDetails): void {
    this.state.record({ ok, at: Date.now(), latencyMs, error, details });
    const verdict = this.state.verdict(Date.now());
    if (verdict.passing === this.logged) return;
    this.logged = verdict.passing;
    const facts = { check: this.name, type: this.check.type, target: this.check.target };
    if (verdict.passing) this.log.info(facts, 'health check passes');
    else this.log.warn({ ...facts, err: verdict.reason }, 'health check fails');
  }
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(errorText).join('; ');
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
