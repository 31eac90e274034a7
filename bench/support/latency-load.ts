import { Pool } from 'undici';

export interface LatencySample {
  /** Every request's latency in ms, sorted. */
  latencies: Float64Array;
  errors: number;
  seconds: number;
}

/**
 * A closed loop of `concurrency` clients sending `requests` GETs in all to
 * `url` over keep-alive connections, timing each one, so percentiles up to
 * p99.9 come from every request rather than from a histogram's buckets.
 */
export async function measureLatency(url: string, requests: number, concurrency: number): Promise<LatencySample> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency });
  const latencies = new Float64Array(requests);
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (next < requests) {
      const i = next++;
      const begin = performance.now();
      try {
        const response = await pool.request({ path: target.pathname + target.search, method: 'GET' });
        await response.body.dump();
        if (response.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latencies[i] = performance.now() - begin;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { latencies: latencies.sort(), errors, seconds };
}

/** The `q` quantile (0.999 for p99.9) of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function concatSorted(samples: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(samples.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const sample of samples) {
    all.set(sample, at);
    at += sample.length;
  }
  return all.sort();
}
