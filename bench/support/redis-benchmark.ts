import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LoadSample } from './wrk.ts';

const run = promisify(execFile);

export interface RedisBenchmarkOptions {
  port: number;
  test: string;
  clients: number;
  requests: number;
  pipeline: number;
  /** Key space for __rand_int__, so keys spread over every shard. */
  keyspace: number;
  /** redis-benchmark --cluster: it reads the slot map and sends each key to its node itself. */
  cluster?: boolean;
}

/** One redis-benchmark run of one test, read from its CSV line. */
export async function redisBenchmark(options: RedisBenchmarkOptions): Promise<LoadSample> {
  const args = [
    '-h', '127.0.0.1', '-p', String(options.port), '-c', String(options.clients),
    '-n', String(options.requests), '-P', String(options.pipeline), '-r', String(options.keyspace), '--csv',
  ];
  // redis-benchmark has no MGET test; a custom command reads 10 random keys, like its MSET test writes 10.
  if (options.cluster === true) args.push('--cluster');
  if (options.test === 'mget') args.push('MGET', ...Array.from({ length: 10 }, () => 'key:__rand_int__'));
  else args.push('-t', options.test);
  const { stdout } = await run('redis-benchmark', args, { timeout: 300_000 });
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  // --cluster prints the nodes it found first: the CSV line is the one that starts with a quoted test name.
  const line = stdout.trim().split('\n').find((l) => l.startsWith('"') && !l.startsWith('"test"'));
  const fields = line?.split(',').map((f) => f.replace(/"/g, ''));
  if (!fields || fields.length < 7) throw new Error(`redis-benchmark output not understood:\n${stdout}`);
  return { requestsPerSecond: Number(fields[1]), p50Ms: Number(fields[4]), p99Ms: Number(fields[6]), errors: 0 };
}
