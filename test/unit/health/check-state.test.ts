import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckState, type RunResult } from '../../../src/modes/health/check-state.ts';

const timing = { interval: 1000, timeout: 100, maxAge: 2100, failureThreshold: 3, successThreshold: 2 };
const run = (ok: boolean, at: number): RunResult => ({ ok, at, latencyMs: 1, error: ok ? null : `failed at ${at}`, details: {} });

test('no result yet fails', () => {
  assert.deepEqual(new CheckState(timing).verdict(0), { passing: false, reason: 'no result yet' });
});

test('the first result decides alone, whatever the thresholds', () => {
  const up = new CheckState(timing);
  up.record(run(true, 0));
  assert.equal(up.verdict(0).passing, true);
  const down = new CheckState(timing);
  down.record(run(false, 0));
  assert.deepEqual(down.verdict(0), { passing: false, reason: 'failed at 0' });
});

test('a passing check fails only after failure_threshold failures in a row', () => {
  const state = new CheckState(timing);
  state.record(run(true, 0));
  state.record(run(false, 1000));
  state.record(run(false, 2000));
  assert.equal(state.verdict(2000).passing, true, 'two failures are below the threshold of three');
  state.record(run(true, 3000));
  state.record(run(false, 4000));
  state.record(run(false, 5000));
  assert.equal(state.verdict(5000).passing, true, 'a pass in between resets the count');
  state.record(run(false, 6000));
  assert.deepEqual(state.verdict(6000), { passing: false, reason: 'failed at 6000' });
  assert.equal(state.consecutiveFailures, 3);
});

test('a failing check passes only after success_threshold passes in a row, saying it is recovering', () => {
  const state = new CheckState(timing);
  state.record(run(false, 0));
  state.record(run(true, 1000));
  assert.deepEqual(state.verdict(1000), { passing: false, reason: 'recovering: 1 of 2 passes after: failed at 0' });
  state.record(run(false, 2000));
  state.record(run(true, 3000));
  assert.equal(state.verdict(3000).passing, false);
  state.record(run(true, 4000));
  assert.deepEqual(state.verdict(4000), { passing: true, reason: null });
  assert.equal(state.lastFailure?.at, 2000);
});

test('a result older than max_age fails, passing or not', () => {
  const state = new CheckState(timing);
  state.record(run(true, 0));
  assert.equal(state.verdict(2100).passing, true);
  assert.deepEqual(state.verdict(2101), { passing: false, reason: 'last result is 2101 ms old (max_age 2100 ms)' });
  state.record(run(true, 2500));
  assert.equal(state.verdict(2600).passing, true, 'a fresh result heals it');
});
