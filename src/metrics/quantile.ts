import type { Histogram } from './registry.ts';

/**
 * The q-quantile (0..1) of a histogram's observations, interpolated
 * linearly inside the bucket it falls in, as Prometheus'
 * histogram_quantile does; NaN with no observations. Its precision is the
 * bucket width, so use fine buckets where the number is shown.
 */
export function histogramQuantile(histogram: Histogram, q: number): number {
  const counts = histogram.counts;
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return NaN;
  const rank = q * total;
  const bounds = histogram.bounds;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (seen + count >= rank && count > 0) {
      // Above the last bound there is no upper edge: answer the last bound, as Prometheus does.
      if (i === bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return bounds[bounds.length - 1]!;
}
