import type { CheckRunner } from './check-runner.ts';

export interface ProbeAnswer {
  status: 200 | 503;
  contentType: string;
  body: string;
}

/**
 * The answer to a probe, from the checks' last results: 200 when all pass,
 * 503 otherwise. Plain text names each failing check and why (the kubelet
 * keeps a probe's body in the pod's events); `verbose` gives every check as
 * JSON: result, latency, age, thresholds' counters, last error, details.
 */
export function probeAnswer(runners: readonly CheckRunner[], now: number, verbose: boolean): ProbeAnswer {
  const verdicts = runners.map((runner) => ({ runner, verdict: runner.state.verdict(now) }));
  const passing = verdicts.every(({ verdict }) => verdict.passing);
  const status = passing ? 200 : 503;
  if (!verbose) {
    const failing = verdicts.filter(({ verdict }) => !verdict.passing).map(({ runner, verdict }) => `${runner.name}: ${verdict.reason}\n`);
    return { status, contentType: 'text/plain; charset=utf-8', body: passing ? 'OK\n' : `FAIL\n${failing.join('')}` };
  }
  const checks = Object.fromEntries(runners.map((runner) => [runner.name, describeCheck(runner, now)]));
  return { status, contentType: 'application/json', body: JSON.stringify({ status: passing ? 'pass' : 'fail', checks }, null, 2) + '\n' };
}

/** One check as `?verbose` and /stats show it. */
export function describeCheck(runner: CheckRunner, now: number): Record<string, unknown> {
  const verdict = runner.state.verdict(now);
  const { last, lastFailure } = runner.state;
  return {
    type: runner.check.type,
    target: runner.check.target,
    status: verdict.passing ? 'pass' : 'fail',
    reason: verdict.reason,
    latency_ms: last === null ? null : Math.round(last.latencyMs * 1000) / 1000,
    checked_at: last === null ? null : new Date(last.at).toISOString(),
    age_ms: last === null ? null : now - last.at,
    consecutive_successes: runner.state.consecutiveSuccesses,
    consecutive_failures: runner.state.consecutiveFailures,
    last_error: lastFailure === null ? null : { message: lastFailure.error, at: new Date(lastFailure.at).toISOString() },
    details: last?.details ?? {},
    interval_ms: runner.timing.interval,
    timeout_ms: runner.timing.timeout,
  };
}
