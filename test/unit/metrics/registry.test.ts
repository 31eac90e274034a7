import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSnapshots } from '../../../src/metrics/merge.ts';
import { formatPrometheus } from '../../../src/metrics/prometheus.ts';
import { Registry } from '../../../src/metrics/registry.ts';

test('histogram buckets are exclusive per slot and cumulative when formatted', () => {
  const registry = new Registry();
  const h = registry.histogram('padda_test_seconds', 'Test.', { listener: 'a' }, [0.1, 1]);
  for (const v of [0.05, 0.1, 0.5, 2, 3]) h.observe(v);
  assert.deepEqual(Array.from(h.counts), [2, 1, 2]);
  const text = formatPrometheus(registry.snapshot());
  assert.match(text, /padda_test_seconds_bucket\{listener="a",le="0\.1"\} 2\n/);
  assert.match(text, /padda_test_seconds_bucket\{listener="a",le="1"\} 3\n/);
  assert.match(text, /padda_test_seconds_bucket\{listener="a",le="\+Inf"\} 5\n/);
  assert.match(text, /padda_test_seconds_count\{listener="a"\} 5\n/);
  assert.match(text, /padda_test_seconds_sum\{listener="a"\} 5\.65\n/);
});

test('every value lands in the first bucket whose bound it does not exceed, with many bounds too', () => {
  const bounds = Array.from({ length: 57 }, (_, i) => (i + 1) / 10);
  const histogram = new Registry().histogram('padda_fine_seconds', 'Fine.', {}, bounds);
  const values = [-1, 0, 0.05, 0.1, 0.1000001, 2.95, 3, 5.7, 5.7000001, 100, Number.POSITIVE_INFINITY];
  for (const value of values) histogram.observe(value);
  const expected = new Array<number>(bounds.length + 1).fill(0);
  for (const value of values) {
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    expected[i]!++;
  }
  assert.deepEqual(Array.from(histogram.counts), expected);
  assert.equal(histogram.counts[0], 4);
  assert.equal(histogram.counts[57], 3);
});

test('the same name and labels return the same child; a name cannot change type', () => {
  const registry = new Registry();
  const a = registry.counter('padda_x_total', 'X.', { l: '1' });
  assert.equal(registry.counter('padda_x_total', 'X.', { l: '1' }), a);
  assert.notEqual(registry.counter('padda_x_total', 'X.', { l: '2' }), a);
  assert.throws(() => registry.gauge('padda_x_total', 'X.'), /is a counter/);
});

test('snapshots from several workers merge by addition, and label values are escaped', () => {
  const worker = () => {
    const registry = new Registry();
    registry.counter('padda_req_total', 'Requests.', { listener: 'a"b\\c\nd' }).inc(3);
    registry.histogram('padda_d_seconds', 'D.', {}, [1]).observe(0.5);
    return registry.snapshot();
  };
  const merged = mergeSnapshots([worker(), worker()]);
  const text = formatPrometheus(merged);
  assert.match(text, /^padda_req_total\{listener="a\\"b\\\\c\\nd"\} 6$/m);
  assert.match(text, /^padda_d_seconds_bucket\{le="1"\} 2$/m);
  assert.match(text, /^padda_d_seconds_sum 1$/m);
});

test('removeWhere forgets a removed listener', () => {
  const registry = new Registry();
  registry.counter('padda_req_total', 'R.', { listener: 'gone' }).inc();
  registry.counter('padda_req_total', 'R.', { listener: 'kept' }).inc();
  registry.removeWhere('listener', 'gone');
  assert.deepEqual(registry.snapshot()[0]!.samples.map((s) => s.labels.listener), ['kept']);
});
