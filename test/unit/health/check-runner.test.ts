import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Registry } from '../../../src/metrics/registry.ts';
import { CheckRunner } from '../../../src/modes/health/check-runner.ts';
import { CheckFailure, type Check, type CheckDetails } from '../../../src/modes/health/checks/check.ts';
import { CheckMetrics } from '../../../src/modes/health/metrics.ts';

/**
 * The runner's scheduling with checks written here: each `run` is a promise
 * the test settles by hand, so in-flight limits and timeouts are seen exactly.
 */
class HandCheck implements Check {
  readonly type = 'tcp';
  readonly target = 'by hand';
  readonly runs: Array<{ signal: AbortSignal; pass(details?: CheckDetails): void; fail(error: Error): void }> = [];
  /** Whether `run` settles when aborted, as every real check must. */
  honoursAbort = true;

  run(signal: AbortSignal): Promise<CheckDetails> {
    return new Promise((resolve, reject) => {
      this.runs.push({ signal, pass: (details = {}) => resolve(details), fail: reject });
      if (this.honoursAbort) signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

function runnerOf(check: Check, timing: { interval: number; timeout: number; maxAge?: number }) {
  const registry = new Registry();
  const metrics = new CheckMetrics(registry, 'l', 'c', 'tcp');
  const full = { maxAge: 2 * timing.interval + timing.timeout, failureThreshold: 1, successThreshold: 1, ...timing };
  return { runner: new CheckRunner('c', check, full, metrics, pino({ level: 'silent' })), metrics };
}

test('at most one run in flight: ticks while one runs are skipped and counted', async (t) => {
  const check = new HandCheck();
  const { runner, metrics } = runnerOf(check, { interval: 20, timeout: 10_000 });
  t.after(() => runner.stop());
  const first = runner.start();
  await sleep(150);
  assert.equal(check.runs.length, 1);
  assert.ok(metrics.skipped.value >= 3, `skipped ${metrics.skipped.value}`);
  check.runs[0]!.pass({ found: 'it' });
  await first;
  assert.deepEqual(runner.state.last?.details, { found: 'it' });
  await sleep(60);
  assert.ok(check.runs.length >= 2, 'the next tick runs again');
});

test('a run past its timeout is recorded failed at the timeout and aborted', async (t) => {
  const check = new HandCheck();
  const { runner, metrics } = runnerOf(check, { interval: 10_000, timeout: 50 });
  t.after(() => runner.stop());
  const started = performance.now();
  await runner.start();
  const waited = performance.now() - started;
  assert.ok(waited >= 45 && waited < 1000, `recorded after ${waited} ms`);
  assert.equal(runner.state.last?.error, 'timed out after 50 ms');
  assert.equal(check.runs[0]!.signal.aborted, true);
  assert.equal(metrics.timedOut.value, 1);
  assert.equal(metrics.failed.value, 0);
});

test('a check that ignores the abort keeps its slot, so runs do not pile up, and its result goes stale', async (t) => {
  const check = new HandCheck();
  check.honoursAbort = false;
  const { runner, metrics } = runnerOf(check, { interval: 20, timeout: 10, maxAge: 100 });
  t.after(() => runner.stop());
  await runner.start();
  await sleep(200);
  assert.equal(check.runs.length, 1, 'no second run while the first has not settled');
  assert.ok(metrics.skipped.value >= 5);
  assert.match(runner.state.verdict(Date.now()).reason!, /^last result is \d+ ms old \(max_age 100 ms\)$/);
  check.runs[0]!.pass();
  await sleep(60);
  assert.ok(check.runs.length >= 2, 'runs resume once it settles');
});

test('a CheckFailure keeps its details; other errors give their message', async (t) => {
  const check = new HandCheck();
  const { runner, metrics } = runnerOf(check, { interval: 30, timeout: 1000 });
  t.after(() => runner.stop());
  const first = runner.start();
  check.runs[0]!.fail(new CheckFailure('role is master, not replica', { role: 'master' }));
  await first;
  assert.equal(runner.state.last?.error, 'role is master, not replica');
  assert.deepEqual(runner.state.last?.details, { role: 'master' });
  await sleep(60);
  check.runs[1]!.fail(new Error('connect ECONNREFUSED 127.0.0.1:1'));
  await sleep(10);
  assert.equal(runner.state.last?.error, 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(metrics.failed.value, 2);
});

test('stop aborts the run in flight and records nothing more', async () => {
  const check = new HandCheck();
  const { runner } = runnerOf(check, { interval: 10, timeout: 1000 });
  void runner.start();
  runner.stop();
  assert.equal(check.runs[0]!.signal.aborted, true);
  await sleep(50);
  assert.equal(runner.state.last, null);
  assert.equal(check.runs.length, 1);
});
