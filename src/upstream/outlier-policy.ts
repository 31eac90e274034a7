import type { UpstreamError } from './errors.ts';

/**
 * When an upstream leaves rotation and comes back. twemproxy's
 * server_failure_limit / server_retry_timeout / auto_eject_hosts are the
 * base; `trial` gives the HTTP replicas' (and Envoy's, nginx's max_fails)
 * stricter return.
 */
export interface OutlierRules {
  /** Consecutive judged failures that eject the upstream; 0 never ejects (twemproxy: auto_eject_hosts false). */
  failureLimit: number;
  /** ms out of rotation (twemproxy server_retry_timeout, Envoy base_ejection_time). */
  ejectTime: number;
  /**
   * After the time out, true: the first request is a trial, and one more
   * failure ejects again at once. false: a full run of failures is needed
   * again (twemproxy's server_failure, which zeroes the count on ejection).
   */
  trial: boolean;
}

export interface OutlierEvents {
  /** The upstream left rotation for `ejectTime` ms, after `failures` in a row ending with `cause`. */
  ejected(cause: UpstreamError, failures: number): void;
  /** The time is up: the upstream is back in rotation. */
  rejoined(): void;
}

/**
 * Passive health of one upstream, judged by real traffic: consecutive
 * failures eject it for a time, then it rejoins. Only errors whose class is
 * `judged` count; any answer resets the run. Transitions are timer-driven,
 * so the request path never reads the clock: `succeeded` is one store.
 */
export class OutlierPolicy {
  /** Judged failures since the last answer. */
  failures = 0;
  ejected = false;
  /** When it was last ejected (ms since the epoch); 0 if never. */
  ejectedAt = 0;
  private readonly rules: OutlierRules;
  private readonly events: OutlierEvents;
  private timer: NodeJS.Timeout | null = null;

  constructor(rules: OutlierRules, events: OutlierEvents) {
    this.rules = rules;
    this.events = events;
  }

  succeeded(): void {
    this.failures = 0;
  }

  failed(cause: UpstreamError): void {
    if (!cause.judged) return;
    const limit = this.rules.failureLimit;
    if (++this.failures < limit || limit === 0 || this.ejected) return;
    const failures = this.failures;
    this.ejected = true;
    this.ejectedAt = Date.now();
    if (!this.rules.trial) this.failures = 0;
    this.timer = setTimeout(() => this.rejoin(), this.rules.ejectTime);
    this.timer.unref();
    this.events.ejected(cause, failures);
  }

  /** Stops the rejoin timer: the upstream is being discarded. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private rejoin(): void {
    this.timer = null;
    this.ejected = false;
    if (this.rules.trial) this.failures = this.rules.failureLimit - 1;
    this.events.rejoined();
  }
}
