/**
 * Layer-4 proxying: padda `mode: tcp` against HAProxy `mode tcp` and against
 * no proxy at all, in one run, on the same nginx backend, same payload and
 * connection count. wrk drives HTTP through the proxies; the proxies only
 * see bytes. Two scenarios: long-lived keep-alive connections (throughput of
 * the splice) and one connection per request (cost of accept + connect).
 * Besides req/s, the CPU each proxy process used per request (from /proc).
 *
 *   npx node bench/tcp.ts [--rounds 3] [--seconds 8] [--connections 50]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startNginx, startProcess, tempDir, type RunningServer } from '../test/support/servers.ts';
import { CpuPerRequest } from './support/cpu-time.ts';
import { startPaddaServer } from './support/padda.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { wrk } from './support/wrk.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';

const { values } = parseArgs({
  options: LOAD_OPTIONS,
});
const { rounds, seconds, connections } = loadSettings(values);
const payload = 'x'.repeat(1024);

const [backendPort, haproxyPort, paddaPort, adminPort] = (await freePorts(4)) as [number, number, number, number];

const backend = await startNginx(`
  keepalive_requests 10000000;
  server { listen 127.0.0.1:${backendPort}; location / { return 200 "${payload}"; } }
`);

async function startHaproxy(): Promise<RunningServer> {
  const dir = await tempDir('haproxy');
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, `global
  nbthread 1
  maxconn 4000
defaults
  mode tcp
  timeout connect 1s
  timeout client 30s
  timeout server 30s
listen l4
  bind 127.0.0.1:${haproxyPort}
  server backend 127.0.0.1:${backendPort}
`);
  return startProcess({ label: 'haproxy', command: 'haproxy', args: ['-f', cfg, '-db'], ports: [haproxyPort], dir });
}

const haproxy = await startHaproxy();
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${adminPort} }
log: { level: warn }
listeners:
  l4: { mode: tcp, listen: 127.0.0.1:${paddaPort}, upstreams: [127.0.0.1:${backendPort}] }
`, [paddaPort]);

const targets = { direct: backendPort, haproxy: haproxyPort, padda: paddaPort };
const cpu = new CpuPerRequest({ haproxy: haproxy.pid, padda: padda.pid });
const scenarios: Record<string, string[]> = { 'keep-alive': [], 'conn-per-request': ['Connection: close'] };
try {
  const plan = Object.keys(scenarios).map((scenario) => ({ scenario, targets: Object.keys(targets) }));
  const rows = await measureRounds(rounds, plan, (scenario, target) =>
    cpu.measure(scenario, target, seconds, () =>
      wrk({ url: `http://127.0.0.1:${targets[target as keyof typeof targets]}/`, connections, seconds, headers: scenarios[scenario]! })));
  console.log(`\nbench/tcp: ${connections} connections, ${seconds}s x ${rounds} rounds, ${payload.length}-byte responses, 1 worker each\n`);
  printTable(rows, 'haproxy');
  cpu.print();
} finally {
  await Promise.all([padda.stop(), haproxy.stop(), backend.stop()]);
}
