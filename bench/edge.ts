/**
 * The book's ch. 5 edge, padda against nginx in one run, on the same three
 * nginx replicas, payload and connection count: `balance` round robin
 * against nginx's upstream round robin, least_request against least_conn,
 * and the rate limiter's cost — padda `rate_limit:` (local store, and the
 * Redis store on a real redis-server) against nginx `limit_req`, with
 * limits no request reaches, so both do the bookkeeping and forward every
 * request. Besides req/s and latency, the CPU each proxy process used per
 * request (from /proc). The cache (Varnish, proxy_cache) is not here yet:
 * padda has no `cache:`.
 *
 *   npx node bench/edge.ts [--rounds 3] [--seconds 8] [--connections 50]
 */
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startNginx, startRedis } from '../test/support/servers.ts';
import { CpuPerRequest } from './support/cpu-time.ts';
import { startPaddaServer } from './support/padda.ts';
import { nginxProxyLocation } from './support/nginx-proxy.ts';
import { median, printTable, type Row } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';
import { wrk } from './support/wrk.ts';

const { values } = parseArgs({ options: { ...LOAD_OPTIONS } });
const { rounds, seconds, connections } = loadSettings(values);
const payload = 'x'.repeat(1024);

const ports = await freePorts(12);
const replicas = ports.slice(0, 3);
const [nginxRr, nginxLeast, nginxLimited, paddaRr, paddaLeast, paddaLimited, paddaShared, admin] = ports.slice(3) as number[];

const backend = await startNginx(`
  keepalive_requests 10000000;
  ${replicas.map((p) => `server { listen 127.0.0.1:${p}; location / { return 200 "${payload}"; } }`).join('\n  ')}
`);
const servers = replicas.map((p) => `server 127.0.0.1:${p};`).join(' ');
const nginx = await startNginx(`
  keepalive_requests 10000000;
  upstream rr { ${servers} keepalive 128; }
  upstream least { least_conn; ${servers} keepalive 128; }
  limit_req_zone $binary_remote_addr zone=clients:10m rate=1000000r/s;
  server { listen 127.0.0.1:${nginxRr}; ${nginxProxyLocation('rr')} }
  server { listen 127.0.0.1:${nginxLeast}; ${nginxProxyLocation('least')} }
  server { listen 127.0.0.1:${nginxLimited}; ${nginxProxyLocation('rr', 'limit_req zone=clients burst=1000000 nodelay;')} }
`);
const redis = await startRedis();
const replicaList = `[${replicas.map((p) => `http://127.0.0.1:${p}`).join(', ')}]`;
const limit = (store: string) => `{ store: "${store}", rules: [{ name: clients, key: $remote_addr, rate: 1000000/s, burst: 1000000 }] }`;
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${admin} }
log: { level: warn }
listeners:
  rr: { mode: balance, listen: 127.0.0.1:${paddaRr}, policy: round_robin, replicas: ${replicaList} }
  least: { mode: balance, listen: 127.0.0.1:${paddaLeast}, policy: least_request, replicas: ${replicaList} }
  limited: { mode: balance, listen: 127.0.0.1:${paddaLimited}, policy: round_robin, replicas: ${replicaList}, rate_limit: ${limit('local')} }
  shared: { mode: balance, listen: 127.0.0.1:${paddaShared}, policy: round_robin, replicas: ${replicaList}, rate_limit: ${limit(`redis://127.0.0.1:${redis.port}`)} }
`, [paddaRr!, paddaLeast!, paddaLimited!, paddaShared!]);

const url = (port: number | undefined) => `http://127.0.0.1:${port}/`;
const scenarios: Array<{ scenario: string; targets: Record<string, string> }> = [
  { scenario: 'round robin, 3 replicas', targets: { nginx: url(nginxRr), padda: url(paddaRr) } },
  { scenario: 'least request / least_conn', targets: { nginx: url(nginxLeast), padda: url(paddaLeast) } },
  { scenario: 'rate limited, local', targets: { nginx: url(nginxLimited), padda: url(paddaLimited) } },
  { scenario: 'rate limited, redis store', targets: { padda: url(paddaShared) } },
];

const cpu = new CpuPerRequest({ nginx: nginx.pid, padda: padda.pid });
try {
  const plan = scenarios.map(({ scenario, targets }) => ({ scenario, targets: Object.keys(targets) }));
  const rows = await measureRounds(rounds, plan, (name, target) => {
    const { targets } = scenarios.find((s) => s.scenario === name)!;
    return cpu.measure(name, target, seconds, () => wrk({ url: targets[target]!, connections, seconds, headers: [] }));
  });
  console.log(`\nbench/edge: ${connections} connections, ${seconds}s x ${rounds} rounds, ${payload.length}-byte responses, 3 nginx replicas, 1 worker/process each\n`);
  printTable(rows, ['nginx']);
  const rps = (scenario: string, target: string) => median(rows.find((r: Row) => r.scenario === scenario && r.target === target)!.samples.map((s) => s.requestsPerSecond));
  const base = { padda: rps('round robin, 3 replicas', 'padda'), nginx: rps('round robin, 3 replicas', 'nginx') };
  console.log('\nWhat the rate limit costs (req/s lost against round robin without it, same proxy):');
  console.log(`  padda local store  ${((1 - rps('rate limited, local', 'padda') / base.padda) * 100).toFixed(1)} %`);
  console.log(`  padda redis store  ${((1 - rps('rate limited, redis store', 'padda') / base.padda) * 100).toFixed(1)} %`);
  console.log(`  nginx limit_req    ${((1 - rps('rate limited, local', 'nginx') / base.nginx) * 100).toFixed(1)} %`);
  cpu.print();
} finally {
  await Promise.all([padda.stop(), nginx.stop(), backend.stop(), redis.stop()]);
}
