/**
 * The shard router and the splitter against nginx doing the same job, and
 * against no proxy, in one run on the same nginx backends:
 * - router: padda `shard-router` (ketama_nginx over 3 shards, key
 *   $request_uri) vs nginx `hash $request_uri consistent`;
 * - splitter: padda `split` 90/10 sticky by an x-user header vs nginx
 *   `split_clients "$http_x_user"` picking one of two upstreams.
 * wrk varies the path and x-user per request (Lua), 1 worker each, upstream
 * keep-alive on both. Then a Zipf(1.1) key stream through a 10-shard router
 * with and without balance_factor 1.25: max/mean of requests per shard.
 *
 *   npx node bench/router.ts [--rounds 3] [--seconds 8] [--connections 50] [--profile]
 *
 * --profile runs padda under --cpu-prof and prints its top self-time frames.
 * Run `npm run build` first to measure padda as a production start runs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { freePorts } from '../test/support/ports.ts';
import { startNginx, tempDir } from '../test/support/servers.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { CpuPerRequest } from './support/cpu-time.ts';
import { startPaddaServer } from './support/padda.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { wrk } from './support/wrk.ts';
import { zipf } from './support/zipf.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';

const { values } = parseArgs({
  options: {
    ...LOAD_OPTIONS,
    profile: { type: 'boolean', default: false },
  },
});
const { rounds, seconds, connections } = loadSettings(values);
const payload = 'x'.repeat(1024);
const ZIPF_SHARDS = 10;
const ZIPF_REQUESTS = 40_000;

const ports = await freePorts(10 + ZIPF_SHARDS);
const [adminPort, nginxRouter, nginxSplit, paddaRouter, paddaSplit, paddaBounded, paddaUnbounded] = ports as [number, number, number, number, number, number, number];
const backends = ports.slice(7, 10);
const zipfShards = ports.slice(10);

const dir = await tempDir('bench-router');
const script = path.join(dir, 'keys.lua');
// Every request a different key and user, so hashing and splitting do their work.
fs.writeFileSync(script, `
local n = 0
request = function()
  n = n + 1
  local k = math.random(1, 1000000)
  return wrk.format("GET", "/item/" .. k .. "?n=" .. n, { ["x-user"] = "user-" .. k })
end
`);

const backend = await startNginx(`
  keepalive_requests 10000000;
  ${[...backends, ...zipfShards].map((p) => `server { listen 127.0.0.1:${p}; location / { return 200 "${payload}"; } }`).join('\n  ')}
`);
const proxy = `proxy_http_version 1.1; proxy_set_header Connection "";`;
const nginx = await startNginx(`
  keepalive_requests 10000000;
  upstream shards { hash $request_uri consistent; ${backends.map((p) => `server 127.0.0.1:${p};`).join(' ')} keepalive 128; }
  upstream web { server 127.0.0.1:${backends[0]}; keepalive 128; }
  upstream experiment { server 127.0.0.1:${backends[1]}; keepalive 128; }
  split_clients "$http_x_user" $variant { 90% web; * experiment; }
  server { listen 127.0.0.1:${nginxRouter}; location / { proxy_pass http://shards; ${proxy} } }
  server { listen 127.0.0.1:${nginxSplit}; location / { proxy_pass http://$variant; ${proxy} } }
`);
const profileDir = values.profile ? await tempDir('bench-router-profile') : null;
const router = (port: number, shards: number[], extra = '') => `
  r${port}:
    mode: shard-router
    listen: 127.0.0.1:${port}
    request_id: false${extra}
    shards: [${shards.map((p) => `http://127.0.0.1:${p}`).join(', ')}]`;
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${adminPort} }
log: { level: warn }
listeners:${router(paddaRouter, backends)}
  split:
    mode: split
    listen: 127.0.0.1:${paddaSplit}
    request_id: false
    sticky: { by: header, name: x-user }
    variants:
      - { name: web, upstream: http://127.0.0.1:${backends[0]}, weight: 9 }
      - { name: experiment, upstream: http://127.0.0.1:${backends[1]}, weight: 1 }${router(paddaBounded, zipfShards, '\n    balance_factor: 1.25')}${router(paddaUnbounded, zipfShards)}
`, [paddaRouter, paddaSplit], 'padda', profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);

const scenarios: Array<{ scenario: string; targets: Record<string, number> }> = [
  { scenario: 'router', targets: { direct: backends[0]!, nginx: nginxRouter, padda: paddaRouter } },
  { scenario: 'splitter', targets: { direct: backends[0]!, nginx: nginxSplit, padda: paddaSplit } },
];

/** Requests per shard (from the backends' view: padda's per-shard counters) for a Zipf(1.1) key stream. */
async function zipfLoads(port: number, label: string): Promise<number[]> {
  const next = zipf(100_000, 1.1, 42);
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
  let sent = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (sent < ZIPF_REQUESTS) {
      sent++;
      const res = await pool.request({ path: `/item/${next()}`, method: 'GET' });
      await res.body.dump();
    }
  }));
  await pool.close();
  const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const counts = [...metrics.matchAll(new RegExp(`padda_shard_requests_total\\{listener="${label}",shard="[^"]+"\\} (\\d+)`, 'g'))].map((m) => Number(m[1]));
  return counts;
}

const cpu = new CpuPerRequest({ nginx: nginx.pid, padda: padda.pid });
try {
  const plan = scenarios.map(({ scenario, targets }) => ({ scenario, targets: Object.keys(targets) }));
  const rows = await measureRounds(rounds, plan, (name, target) => cpu.measure(name, target, seconds, () =>
    wrk({ url: `http://127.0.0.1:${(scenarios.find((s) => s.scenario === name)!.targets as Record<string, number>)[target]}/`, connections, seconds, script })));
  console.log(`\nbench/router: ${connections} connections, ${seconds}s x ${rounds} rounds, ${payload.length}-byte responses, a new key and user per request, 1 worker/process each\n`);
  printTable(rows, 'nginx');
  cpu.print();

  console.log(`\nZipf(1.1) over 100k keys, ${ZIPF_REQUESTS} requests, 64 in flight, ${ZIPF_SHARDS} equal shards (ketama_nginx):`);
  for (const [label, port] of [[`r${paddaUnbounded}`, paddaUnbounded], [`r${paddaBounded}`, paddaBounded]] as const) {
    const counts = await zipfLoads(port, label);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const name = port === paddaBounded ? 'balance_factor 1.25' : 'no bound          ';
    console.log(`  ${name}  max/mean ${(Math.max(...counts) / mean).toFixed(3)}  per shard: ${counts.join(' ')}`);
  }
} finally {
  await Promise.all([padda.stop(), nginx.stop(), backend.stop()]);
  if (profileDir) reportProfile(profileDir, 'padda --cpu-prof, top self-time frames over the whole run:');
  fs.rmSync(dir, { recursive: true, force: true });
}
