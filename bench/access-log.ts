/**
 * What the access log costs padda: two padda sidecars in front of one nginx,
 * the same config but for `access_log:` — none, and a JSON line per request
 * (full sampling) to a file; with --combined a third writing nginx's
 * combined format — measured in one run by the same wrk load, rounds
 * alternating. Prints req/s with the ratio to the sidecar without a log
 * (the bound: logging costs at most 10 %), and µs of CPU per request
 * of each padda process (from /proc), which on a shared machine says more
 * than req/s; then checks one line was written per request.
 *
 *   npx node bench/access-log.ts [--rounds 3] [--seconds 8] [--connections 50] [--combined]
 *
 * Run `npm run build` first to measure padda as a production start runs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startNginx, tempDir, type RunningServer } from '../test/support/servers.ts';
import { CpuPerRequest } from './support/cpu-time.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';
import { startPaddaServer } from './support/padda.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { wrk } from './support/wrk.ts';

const { values } = parseArgs({ options: { ...LOAD_OPTIONS, combined: { type: 'boolean', default: false } } });
const { rounds, seconds, connections } = loadSettings(values);
const payload = 'x'.repeat(1024);
const targets = values.combined ? ['no log', 'json', 'combined'] : ['no log', 'json'];

const ports = (await freePorts(1 + 2 * targets.length)) as number[];
const backendPort = ports.pop()!;
const dir = await tempDir('bench-access-log');
const backend = await startNginx(`
  keepalive_requests 10000000;
  server { listen 127.0.0.1:${backendPort}; location / { return 200 "${payload}"; } }
`);
const logFile = (target: string) => path.join(dir, `${target}.log`);
const paddas: Record<string, RunningServer> = {};
try {
  for (const [i, target] of targets.entries()) {
    const log = target === 'no log' ? '' : `\n    access_log: { path: ${logFile(target)}, format: ${target} }`;
    paddas[target] = await startPaddaServer(`
admin: { listen: 127.0.0.1:${ports[2 * i + 1]} }
log: { level: warn }
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:${ports[2 * i]}
    upstream: http://127.0.0.1:${backendPort}${log}
`, [ports[2 * i]!], `padda (${target})`);
  }
  const cpu = new CpuPerRequest(Object.fromEntries(targets.map((target) => [target, paddas[target]!.pid])));
  const requests: Record<string, number> = {};
  const rows = await measureRounds(rounds, [{ scenario: 'sidecar keep-alive GET', targets }], (scenario, target) =>
    cpu.measure(scenario, target, seconds, async () => {
      const sample = await wrk({ url: `http://127.0.0.1:${ports[2 * targets.indexOf(target)]}/some/path?q=1`, connections, seconds });
      requests[target] = (requests[target] ?? 0) + Math.round(sample.requestsPerSecond * seconds);
      return sample;
    }));
  console.log(`\nbench/access-log: padda sidecar in front of nginx, ${connections} connections, ${seconds}s x ${rounds} rounds, ${payload.length}-byte responses, 1 worker each\n`);
  printTable(rows, 'no log', 'json');
  if (values.combined) printTable(rows.filter((row) => row.target !== 'json'), 'no log', 'combined');
  cpu.print();
  await Promise.all(Object.values(paddas).map((padda) => padda.stop()));
  for (const target of targets.filter((t) => t !== 'no log')) {
    const lines = fs.readFileSync(logFile(target), 'utf8').split('\n').length - 1;
    console.log(`${target}: ${lines} lines written for about ${requests[target]} requests (wrk's count, rounded)`);
  }
} finally {
  await Promise.all([...Object.values(paddas).map((padda) => padda.stop()), backend.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
}
