/**
 * The Redis sharding ambassador against the program it replaces: the same
 * redis-benchmark load (set, get, mget of 10 keys; 50 clients; no pipelining
 * and -P 16) against one redis-server directly, nutcracker over three shards,
 * and padda over the same three shards with one and two workers, in one run.
 * Prints medians of the rounds and padda's ratio to nutcracker.
 *
 *   npx node bench/redis.ts [--rounds 3] [--requests 200000] [--profile]
 *
 * --profile writes a CPU profile of the one-worker padda and prints its top frames.
 */
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startNutcracker, startRedis } from '../test/support/servers.ts';
import { startPaddaServer } from './support/padda.ts';
import { printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { redisBenchmark } from './support/redis-benchmark.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '200000' },
    profile: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
/** Absolute: padda runs in a temp dir of its own and writes its profile on exit. */
const PROFILE_DIR = new URL('./profiles/', import.meta.url).pathname;
const requests = Number(values.requests);

const shards = await Promise.all([startRedis(), startRedis(), startRedis()]);
const [twemPort, paddaPort, padda2Port, admin1, admin2] = (await freePorts(5)) as [number, number, number, number, number];
const pool = (port: number) => `  listen: 127.0.0.1:${port}
  hash: fnv1a_64
  distribution: ketama
  redis: true
  servers:
${shards.map((s) => `   - 127.0.0.1:${s.port}:1`).join('\n')}
`;
const nutcracker = await startNutcracker(`alpha:\n${pool(twemPort)}`);
const paddaConfig = (port: number, admin: number, workers: number) =>
  `admin: { listen: 127.0.0.1:${admin} }\nworkers: ${workers}\nlog: { level: warn }\nlisteners:\n  alpha:\n    mode: redis\n${pool(port).replace(/^/gm, '  ')}`;
const padda = await startPaddaServer(paddaConfig(paddaPort, admin1, 1), [paddaPort], 'padda', values.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
const padda2 = await startPaddaServer(paddaConfig(padda2Port, admin2, 2), [padda2Port], 'padda-2w');

const targets: Record<string, number> = { direct: shards[0]!.port, nutcracker: twemPort, padda: paddaPort, 'padda-2w': padda2Port };
try {
  const scenarios = [1, 16].flatMap((pipeline) => ['set', 'get', 'mget'].map((test) => ({ name: `${test} -P ${pipeline}`, test, pipeline })));
  const plan = scenarios.map(({ name }) => ({ scenario: name, targets: Object.keys(targets) }));
  const rows = await measureRounds(rounds, plan, (name, target) => {
    const { test, pipeline } = scenarios.find((s) => s.name === name)!;
    return redisBenchmark({ port: targets[target]!, test, clients: 50, requests, pipeline, keyspace: 100_000 });
  });
  console.log(`\nbench/redis: redis-benchmark -c 50 -n ${requests} -r 100000, 3 shards (direct: 1 redis), ${rounds} rounds\n`);
  printTable(rows, 'nutcracker');
} finally {
  await Promise.all([padda.stop(), padda2.stop(), nutcracker.stop(), ...shards.map((s) => s.stop())]);
}
if (values.profile) {
  const { reportProfile } = await import('./support/cpu-profile.ts');
  reportProfile(PROFILE_DIR, 'padda (1 worker) CPU profile, top self time:');
}
