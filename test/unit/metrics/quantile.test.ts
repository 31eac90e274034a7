/** histogramQuantile: what /stats shows as a split variant's p50 and p99, read as Prometheus' histogram_quantile reads a histogram. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramQuantile } from '../../../src/metrics/quantile.ts';
import { Histogram } from '../../../src/metrics/registry.ts';

function histogram(bounds: number[], values: number[]): Histogram {
  const h = new Histogram(bounds);
  for (const v of values) h.observe(v);
  return h;
}

test('interpolates linearly inside the bucket the rank falls in', () => {
  const h = histogram([1, 2, 4], [...Array(10).fill(0.5), ...Array(10).fill(1.5)]);
  assert.equal(histogramQuantile(h, 0.5), 1);
  assert.equal(histogramQuantile(h, 0.75), 1.5);
  assert.equal(histogramQuantile(h, 1), 2);
  assert.equal(histogramQuantile(h, 0.05), 0.1, 'the first bucket starts at 0');
});

test('empty buckets are skipped, not interpolated into', () => {
  const h = histogram([1, 2, 4, 8], [3, 3, 3, 3]);
  assert.equal(histogramQuantile(h, 0), 2, 'the lower edge of the first bucket holding anything');
  assert.equal(histogramQuantile(h, 0.5), 3);
});

test('no observations: NaN; above the last bound: the last bound, as Prometheus answers', () => {
  assert.ok(Number.isNaN(histogramQuantile(histogram([1, 2], []), 0.5)));
  const high = histogram([1, 2], [0.5, 5, 5, 5]);
  assert.equal(histogramQuantile(high, 0.99), 2);
  assert.equal(histogramQuantile(high, 0.25), 1);
});
