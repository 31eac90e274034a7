import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PaddaConfig } from '../config/schema.ts';
import { formatAddress, type Address } from '../net/address.ts';
import type { ServerSpec } from '../upstream/server-spec.ts';

/** What one run against one target measured; a field a tool does not report is undefined. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms?: number;
  p99Ms: number;
  maxMs?: number;
  errors: number;
  non2xx?: number;
  bytesPerSecond?: number;
}

export interface LoadOptions {
  listener?: string;
  durationSeconds: number;
  connections: number;
  path: string;
  pipelining: number;
}

/** A place to send load: padda's listener, or what that listener forwards to. */
interface Target {
  label: string;
  url: string;
}

const run = promisify(execFile);

/** The part of autocannon's result (all latencies in ms, throughput in bytes/s) this reads; autocannon ships no types. */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  throughput: { average: number };
}

type Autocannon = ((options: object, done: (error: Error | null, result: AutocannonResult) => void) => object) & {
  track(instance: object, options: object): void;
};

/**
 * `padda load`: drives load at one listener of a running padda and, in the
 * same run, at its upstream directly, then prints the two side by side, so
 * what padda adds is read off one table. HTTP listeners get autocannon
 * (a dev dependency: load testing is not part of the image); redis and
 * memcache listeners get redis-benchmark and memcslap, when installed.
 */
export async function load(config: PaddaConfig, options: LoadOptions): Promise<number> {
  const names = Object.keys(config.listeners);
  const name = options.listener ?? (names.length === 1 ? names[0] : undefined);
  const listener = name === undefined ? undefined : config.listeners[name];
  if (name === undefined || listener === undefined) {
    process.stderr.write(`padda: name a listener with --listener (one of: ${names.join(', ')})\n`);
    return 64;
  }
  const mode = listener.mode;
  if (mode === 'redis' || mode === 'memcache') return loadKeyValue(name, listener as never, options);
  const direct = upstreamOf(listener);
  const padda: Target = { label: `padda ${name}`, url: urlOf(listener.listen, listener.tls !== undefined) + options.path };
  const targets = direct === null ? [padda] : [padda, { label: 'upstream', url: direct + options.path }];
  let autocannon: Autocannon;
  try {
    autocannon = ((await import('autocannon' as string)) as { default: Autocannon }).default;
  } catch {
    process.stderr.write('padda load needs autocannon, a dev dependency of padda: npm install autocannon (or run from a checkout after npm ci)\n');
    return 69;
  }
  const results: LoadResult[] = [];
  for (const target of targets) {
    process.stderr.write(`${target.label}: ${target.url}, ${options.connections} connections, ${options.durationSeconds} s\n`);
    results.push(await autocannonRun(autocannon, target.url, options));
  }
  printTable(targets.map((t) => `${t.label} (${t.url})`), results);
  return results.some((r) => r.errors > 0 || (r.non2xx ?? 0) > 0) ? 1 : 0;
}

function autocannonRun(autocannon: Autocannon, url: string, options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: options.connections, duration: options.durationSeconds, pipelining: options.pipelining }, (error, result) => {
      if (error) return reject(error);
      resolve({
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p90Ms: result.latency.p90,
        p99Ms: result.latency.p99,
        maxMs: result.latency.max,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        bytesPerSecond: result.throughput.average,
      });
    });
    autocannon.track(instance, { renderProgressBar: true, renderResultsTable: false, renderLatencyTable: false, outputStream: process.stderr });
  });
}

/** Where an HTTP listener sends a request, addressed directly: the app, or the first replica of the first shard, variant (production) or leaf, or of a balanced set. */
function upstreamOf(listener: Record<string, unknown>): string | null {
  const firstReplica = (groups: unknown) => String((groups as Array<{ replicas: string[] }>)[0]!.replicas[0]);
  switch (listener.mode) {
    case 'sidecar':
      return httpUrl(String(listener.upstream));
    case 'tcp':
      return urlOf((listener.upstreams as Address[])[0]!, false);
    case 'shard-router':
      return httpUrl(firstReplica(listener.shards));
    case 'split':
      return httpUrl(firstReplica(listener.variants));
    case 'balance':
      return httpUrl((listener.replicas as Array<{ address: string }>)[0]!.address);
    case 'scatter-gather':
      return httpUrl(firstReplica(listener.leaves));
    default:
      return null;
  }
}

function httpUrl(written: string): string {
  return /^https?:\/\//.test(written) ? written.replace(/\/$/, '') : `http://${written}`;
}

function urlOf(address: Address, tls: boolean): string {
  const host = address.kind === 'tcp' && (address.host === '0.0.0.0' || address.host === '::') ? '127.0.0.1' : null;
  if (address.kind === 'unix') throw new Error('padda load drives TCP listeners only');
  return `${tls ? 'https' : 'http'}://${host ?? formatAddress(address)}${host ? `:${address.port}` : ''}`;
}

/** redis-benchmark (get and set) or memcslap, against padda's listener and its first server directly. */
async function loadKeyValue(name: string, listener: { mode: string; listen: Address; servers: ServerSpec[] }, options: LoadOptions): Promise<number> {
  const tool = listener.mode === 'redis' ? 'redis-benchmark' : 'memcslap';
  try {
    await run('sh', ['-c', `command -v ${tool}`]);
  } catch {
    process.stderr.write(`padda load drives ${tool} for ${listener.mode} listeners, and it is not installed (Debian: apt-get install ${listener.mode === 'redis' ? 'redis-tools' : 'libmemcached-tools'})\n`);
    return 69;
  }
  if (listener.listen.kind !== 'tcp') throw new Error('padda load drives TCP listeners only');
  const server = listener.servers[0]!;
  const targets = [
    { label: `padda ${name}`, host: listener.listen.host === '0.0.0.0' ? '127.0.0.1' : listener.listen.host, port: listener.listen.port },
    { label: `server ${server.host}:${server.port}`, host: server.host, port: server.port },
  ];
  const tests = listener.mode === 'redis' ? ['set', 'get'] : ['set', 'get'];
  const labels: string[] = [];
  const results: LoadResult[] = [];
  for (const test of tests) {
    for (const target of targets) {
      process.stderr.write(`${tool} ${test}: ${target.label}\n`);
      labels.push(`${test}, ${target.label}`);
      results.push(listener.mode === 'redis' ? await redisBenchmark(target, test, options) : await memcslap(target, test, options));
    }
  }
  printTable(labels, results);
  return 0;
}

async function redisBenchmark(target: { host: string; port: number }, test: string, options: LoadOptions): Promise<LoadResult> {
  const requests = Math.max(10_000, options.connections * 2_000);
  const { stdout } = await run('redis-benchmark', ['-h', target.host, '-p', String(target.port), '-c', String(options.connections), '-n', String(requests),
    '-P', String(options.pipelining), '-r', '100000', '-t', test, '--csv'], { timeout: 600_000 });
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const fields = stdout.trim().split('\n').find((line) => !line.startsWith('"test"'))?.split(',').map((f) => Number(f.replace(/"/g, '')));
  if (!fields || fields.length < 8) throw new Error(`redis-benchmark said:\n${stdout}`);
  return { requestsPerSecond: fields[1]!, p50Ms: fields[4]!, p99Ms: fields[6]!, maxMs: fields[7]!, errors: 0 };
}

async function memcslap(target: { host: string; port: number }, test: string, options: LoadOptions): Promise<LoadResult> {
  const perThread = 10_000;
  const { stdout } = await run('memcslap', ['-s', `${target.host}:${target.port}`, '-c', String(options.connections), '-e', String(perThread), '-t', test], { timeout: 600_000 });
  const seconds = Number(/Time total:\s*([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`memcslap said:\n${stdout}`);
  return { requestsPerSecond: (perThread * options.connections) / seconds, p50Ms: Number.NaN, p99Ms: Number.NaN, errors: 0 };
}

/** The runs side by side, each row a measure, the last column the first run over the second. */
function printTable(labels: string[], results: LoadResult[]): void {
  const rows: Array<[string, (r: LoadResult) => number | undefined, (v: number) => string]> = [
    ['req/s', (r) => r.requestsPerSecond, (v) => v.toFixed(0)],
    ['latency p50', (r) => r.p50Ms, ms],
    ['latency p90', (r) => r.p90Ms, ms],
    ['latency p99', (r) => r.p99Ms, ms],
    ['latency max', (r) => r.maxMs, ms],
    ['errors', (r) => r.errors, String],
    ['non-2xx', (r) => r.non2xx, String],
    ['throughput', (r) => r.bytesPerSecond, (v) => `${(v / 1024 / 1024).toFixed(2)} MiB/s`],
  ];
  const width = Math.max(22, ...labels.map((l) => l.length + 2));
  let out = `\n${''.padEnd(14)}${labels.map((l) => l.padStart(width)).join('')}\n`;
  for (const [title, pick, show] of rows) {
    const values = results.map(pick);
    if (values.every((v) => v === undefined || Number.isNaN(v))) continue;
    out += `${title.padEnd(14)}${values.map((v) => (v === undefined || Number.isNaN(v) ? '-' : show(v)).padStart(width)).join('')}\n`;
  }
  const [first, second] = results;
  if (results.length === 2 && first && second && second.requestsPerSecond > 0) {
    out += `\npadda / upstream: ${(first.requestsPerSecond / second.requestsPerSecond).toFixed(2)}x the requests per second\n`;
  }
  process.stdout.write(out);
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}
