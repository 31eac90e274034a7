/**
 * The HTTP data path: padda `mode: sidecar` against nginx (one worker,
 * upstream keepalive) and http-proxy-3 (keep-alive agent) as reverse
 * proxies, and against no proxy at all, in one run, on the same nginx
 * backend, payload and connection count: keep-alive requests, and a new
 * connection per request. Then TLS: nginx `ssl` against padda with `tls:`,
 * for keep-alive requests and for a new handshake per request. Every proxy
 * sets the book's X-Forwarded set, so all do the same work. Besides req/s
 * and latency, the CPU each proxy process used per request (from /proc).
 *
 *   npx node bench/http.ts [--rounds 3] [--seconds 8] [--connections 50] [--key ec|rsa] [--profile]
 *
 * --profile runs padda under --cpu-prof and prints its top self-time frames.
 * Run `npm run build` first to measure padda as a production start runs it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startNginx, startProcess, tempDir } from '../test/support/servers.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { nginxProxyLocation } from './support/nginx-proxy.ts';
import { CpuPerRequest } from './support/cpu-time.ts';
import { startPaddaServer } from './support/padda.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { wrk } from './support/wrk.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';

const { values } = parseArgs({
  options: {
    ...LOAD_OPTIONS,
    key: { type: 'string', default: 'ec' },
    profile: { type: 'boolean', default: false },
  },
});
const { rounds, seconds, connections } = loadSettings(values);
const payload = 'x'.repeat(1024);

const [backendPort, nginxPort, nginxTlsPort, hp3Port, paddaPort, paddaTlsPort, adminPort] = (await freePorts(7)) as [number, number, number, number, number, number, number];
const dir = await tempDir('bench-http');
const cert = path.join(dir, 'tls.crt');
const key = path.join(dir, 'tls.key');
const keyArgs = values.key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
  '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });

const backend = await startNginx(`
  keepalive_requests 10000000;
  server { listen 127.0.0.1:${backendPort}; location / { return 200 "${payload}"; } }
`);
const proxyLocation = nginxProxyLocation('backend');
const nginx = await startNginx(`
  keepalive_requests 10000000;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 128; }
  ssl_session_cache shared:SSL:10m;
  server { listen 127.0.0.1:${nginxPort}; ${proxyLocation} }
  server { listen 127.0.0.1:${nginxTlsPort} ssl; ssl_certificate ${cert}; ssl_certificate_key ${key}; ${proxyLocation} }
`);
const hp3Dir = await tempDir('bench-hp3');
const httpProxy3 = await startProcess({
  label: 'http-proxy-3',
  command: process.execPath,
  args: [new URL('./support/http-proxy-3.ts', import.meta.url).pathname, String(hp3Port), `http://127.0.0.1:${backendPort}`],
  ports: [hp3Port],
  dir: hp3Dir,
});
const profileDir = values.profile ? await tempDir('bench-http-profile') : null;
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${adminPort} }
log: { level: warn }
listeners:
  plain: { mode: sidecar, listen: 127.0.0.1:${paddaPort}, upstream: http://127.0.0.1:${backendPort} }
  tls:
    mode: sidecar
    listen: 127.0.0.1:${paddaTlsPort}
    upstream: http://127.0.0.1:${backendPort}
    tls: { cert: ${cert}, key: ${key} }
`, [paddaPort, paddaTlsPort], 'padda', profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);

const scenarios: Array<{ scenario: string; headers: string[]; targets: Record<string, string> }> = [
  {
    scenario: 'http keep-alive',
    headers: [],
    targets: {
      direct: `http://127.0.0.1:${backendPort}/`,
      nginx: `http://127.0.0.1:${nginxPort}/`,
      'http-proxy-3': `http://127.0.0.1:${hp3Port}/`,
      padda: `http://127.0.0.1:${paddaPort}/`,
    },
  },
  // wrk opens a new connection for each request.
  {
    scenario: 'http connection per request',
    headers: ['Connection: close'],
    targets: { direct: `http://127.0.0.1:${backendPort}/`, nginx: `http://127.0.0.1:${nginxPort}/`, padda: `http://127.0.0.1:${paddaPort}/` },
  },
  { scenario: 'https keep-alive', headers: [], targets: { nginx: `https://127.0.0.1:${nginxTlsPort}/`, padda: `https://127.0.0.1:${paddaTlsPort}/` } },
  // wrk opens a new connection, and so does a full handshake, for each request.
  { scenario: 'https handshake', headers: ['Connection: close'], targets: { nginx: `https://127.0.0.1:${nginxTlsPort}/`, padda: `https://127.0.0.1:${paddaTlsPort}/` } },
];

const cpu = new CpuPerRequest({ nginx: nginx.pid, padda: padda.pid });
try {
  const plan = scenarios.map(({ scenario, targets }) => ({ scenario, targets: Object.keys(targets) }));
  const rows = await measureRounds(rounds, plan, (name, target) => {
    const { headers, targets } = scenarios.find((s) => s.scenario === name)!;
    return cpu.measure(name, target, seconds, () => wrk({ url: targets[target]!, connections, seconds, headers }));
  });
  console.log(`\nbench/http: ${connections} connections, ${seconds}s x ${rounds} rounds, ${payload.length}-byte responses, ${values.key} certificate, 1 worker/process each\n`);
  printTable(rows, ['nginx', 'http-proxy-3']);
  cpu.print();
} finally {
  await Promise.all([padda.stop(), httpProxy3.stop(), nginx.stop(), backend.stop()]);
  if (profileDir) reportProfile(profileDir, 'padda --cpu-prof, top self-time frames over the whole run:');
  fs.rmSync(dir, { recursive: true, force: true });
}
