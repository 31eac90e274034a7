/**
 * What the access log costs: a node:http server answering a fixed body
 * without a log, and with one JSON (or nginx combined) line per request
 * written to a file at full sampling, in one run, same wrk load. The server
 * does nothing else, so the log's share of its work is larger than in a
 * proxy (which does more per request): an upper bound of the cost. The
 * issue's bound is at most 10 % of throughput.
 *
 *   npx node bench/access-log.ts [--rounds 3] [--seconds 8] [--connections 50]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AccessLog } from '../src/logging/access-log.ts';
import { LogSinks } from '../src/logging/log-sinks.ts';
import { accessLogSchema } from '../src/logging/schema.ts';
import { Registry } from '../src/metrics/registry.ts';
import { freePorts } from '../test/support/ports.ts';
import { startProcess, type RunningServer } from '../test/support/servers.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { wrk } from './support/wrk.ts';

const { values } = parseArgs({ options: LOAD_OPTIONS });

/** CPU per logged request in this process: format and hand to the sink, 200 000 times, the sink writing to a file. */
async function microsecondsPerLine(format: 'json' | 'combined', file: string): Promise<number> {
  const sinks = new LogSinks(new Registry());
  const sink = sinks.acquire('access', file, 64 << 20);
  const log = new AccessLog('web', accessLogSchema.parse({ format, path: file }), sink);
  const count = 200_000;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    log.record({ startedAt: Date.now(), client: '127.0.0.1', method: 'GET', target: `/some/path?q=${i}`, protocol: 'HTTP/1.1', status: 200,
      bytesIn: 0, bytesOut: 19, durationMs: 0.4, upstream: '127.0.0.1:8080', upstreamMs: 0.3, userAgent: 'wrk', facts: { shard: 'shard-1' } });
    // Let the destination write between batches, as requests arriving over event-loop turns do.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  const elapsed = performance.now() - started;
  await sinks.release(sink);
  return (elapsed * 1000) / count;
}
const { rounds, seconds, connections } = loadSettings(values);
const targets = ['none', 'json', 'combined'] as const;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-bench-lines-'));
for (const format of ['json', 'combined'] as const) {
  console.log(`${format}: ${(await microsecondsPerLine(format, path.join(scratch, `${format}.log`))).toFixed(2)} µs of CPU per logged request`);
}
fs.rmSync(scratch, { recursive: true, force: true });
const ports = (await freePorts(targets.length)) as number[];
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-bench-access-'));
const servers: RunningServer[] = [];
try {
  for (const [i, target] of targets.entries()) {
    servers.push(await startProcess({
      label: `access-log-server:${target}`,
      command: process.execPath,
      args: [new URL('./support/access-log-server.ts', import.meta.url).pathname, String(ports[i]), target, path.join(logDir, `${target}.log`)],
      ports: [ports[i]!],
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'padda-bench-server-')),
    }));
  }
  const rows = await measureRounds(rounds, [{ scenario: 'keep-alive GET', targets }], (_scenario, target) =>
    wrk({ url: `http://127.0.0.1:${ports[targets.indexOf(target as (typeof targets)[number])]}/some/path?q=1`, connections, seconds }));
  printTable(rows, 'none', 'json');
  printTable(rows.filter((r) => r.target !== 'json'), 'none', 'combined');
  for (const target of ['json', 'combined']) {
    const lines = fs.readFileSync(path.join(logDir, `${target}.log`), 'utf8').split('\n').length - 1;
    console.log(`${target}: ${lines} lines written`);
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(logDir, { recursive: true, force: true });
}
