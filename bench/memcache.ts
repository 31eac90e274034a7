/**
 * The memcache mode against nutcracker (twemproxy) and against no proxy at
 * all, in one run: three memcached shards behind each proxy, one memcached
 * for direct, the same keys preloaded everywhere, and the same pipelined
 * load generator (bench/support/memcache-load.ts, its own process) with 50
 * connections for each target and scenario. Three rounds, medians, padda's
 * ratio to nutcracker.
 *
 *   npx node bench/memcache.ts [--rounds 3] [--seconds 8] [--connections 50] [--workers 1] [--prof DIR]
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startMemcached, startNutcracker } from '../test/support/servers.ts';
import { startPaddaServer } from './support/padda.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import type { LoadSample } from './support/wrk.ts';
import { LOAD_OPTIONS, loadSettings } from './support/options.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    ...LOAD_OPTIONS,
    workers: { type: 'string', default: '1' },
    prof: { type: 'string' },
  },
});
const { rounds, seconds, connections } = loadSettings(values);
const KEYS = 10_000;
const GENERATOR = new URL('./support/memcache-load.ts', import.meta.url).pathname;

const scenarios: Record<string, string[]> = {
  'get -P1': ['--op', 'get', '--depth', '1'],
  'get -P16': ['--op', 'get', '--depth', '16'],
  'set -P16': ['--op', 'set', '--depth', '16'],
  'get 10 keys -P4': ['--op', 'mget', '--depth', '4'],
};

async function load(port: number, args: string[], secondsToRun = seconds): Promise<LoadSample> {
  const { stdout } = await run(process.execPath, [GENERATOR, '--port', String(port), '--connections', String(connections),
    '--seconds', String(secondsToRun), '--keys', String(KEYS), ...args], { timeout: (secondsToRun + 60) * 1000 });
  return JSON.parse(stdout) as LoadSample;
}

const shards = await Promise.all([0, 1, 2].map(() => startMemcached({ args: ['-t', '1'] })));
const direct = await startMemcached({ args: ['-t', '1'] });
const [nutcrackerPort, paddaPort, adminPort] = (await freePorts(3)) as [number, number, number];
const pool = (port: number) => [
  `  listen: 127.0.0.1:${port}`, '  hash: fnv1a_64', '  distribution: ketama', '  timeout: 2000', '  servers:',
  ...shards.map((s) => `    - 127.0.0.1:${s.port}:1`),
].join('\n');
const nutcracker = await startNutcracker(`bench:\n${pool(nutcrackerPort)}\n`);
const padda = await startPaddaServer(
  `admin: { listen: 127.0.0.1:${adminPort} }\nlog: { level: warn }\nworkers: ${values.workers}\nlisteners:\n  bench:\n    mode: memcache\n${pool(paddaPort).replace(/^/gm, '  ')}\n`,
  [paddaPort],
  'padda',
  values.prof ? ['--cpu-prof', `--cpu-prof-dir=${values.prof}`] : [],
);

const targets = { direct: direct.port, nutcracker: nutcrackerPort, padda: paddaPort };
try {
  // Every key on every target before any get: direct holds all, the proxies place them on the shards.
  for (const port of [direct.port, nutcrackerPort]) await load(port, ['--op', 'set', '--depth', '64', '--connections', '1', '--warmup', '0'], 2);
  const plan = Object.keys(scenarios).map((scenario) => ({ scenario, targets: Object.keys(targets) }));
  const rows = await measureRounds(rounds, plan, (scenario, target) => load(targets[target as keyof typeof targets], scenarios[scenario as keyof typeof scenarios]));
  console.log(`\nbench/memcache: ${connections} connections, ${seconds}s x ${rounds} rounds, 32-byte values, ${KEYS} keys, 3 shards, padda workers: ${values.workers}\n`);
  printTable(rows, 'nutcracker');
} finally {
  await Promise.all([padda.stop(), nutcracker.stop(), direct.stop(), ...shards.map((s) => s.stop())]);
}
