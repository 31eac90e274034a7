/**
 * The cost of Redis Cluster routing: the same redis-benchmark load (set,
 * get, mget of 10 keys; 50 clients; no pipelining and -P 16) through padda
 * over a 3-primary cluster (hash slots, the slot map, MOVED/ASK ready) and
 * through padda over 3 standalone redis-servers as a twemproxy pool (a
 * cluster node refuses keys of slots it does not own, so the static pool
 * cannot be the cluster's own primaries), and redis-benchmark --cluster
 * straight to the cluster, in one run. Prints medians, padda-cluster's
 * ratio to padda-static, and each padda's CPU per request (from /proc).
 * Target: cluster routing costs at most 10 % against the static pool.
 *
 *   npx node bench/redis-cluster.ts [--rounds 3] [--requests 100000]
 */
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startRedisCluster } from '../test/support/redis-cluster.ts';
import { startRedis } from '../test/support/servers.ts';
import { cpuMicros } from './support/cpu-time.ts';
import { startPaddaServer } from './support/padda.ts';
import { median, printTable } from './support/report.ts';
import { measureRounds } from './support/rounds.ts';
import { redisBenchmark } from './support/redis-benchmark.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '100000' },
  },
});
const rounds = Number(values.rounds);
const requests = Number(values.requests);

// No replicas: replication would load the cluster side of a 2-core machine with work the static side has not.
const cluster = await startRedisCluster(3, 0);
const shards = await Promise.all([startRedis(), startRedis(), startRedis()]);
const [staticPort, clusterPort, admin1, admin2] = (await freePorts(4)) as [number, number, number, number];
const listener = (port: number, admin: number, backend: string) =>
  `admin: { listen: 127.0.0.1:${admin} }\nlog: { level: warn }\nlisteners:\n  alpha:\n    mode: redis\n    listen: 127.0.0.1:${port}\n${backend}`;
const paddaStatic = await startPaddaServer(listener(staticPort, admin1, `    servers:\n${shards.map((s) => `      - 127.0.0.1:${s.port}:1`).join('\n')}\n`), [staticPort], 'padda-static');
const paddaCluster = await startPaddaServer(listener(clusterPort, admin2, `    cluster: [${cluster.addresses[0]}]\n`), [clusterPort], 'padda-cluster');
// The slot map is read once padda serves; wait for it rather than measure its absence.
for (let ready = false; !ready; await new Promise((resolve) => setTimeout(resolve, 100))) {
  ready = (await fetch(`http://127.0.0.1:${admin2}/ready`).catch(() => null))?.ok === true;
}

const ports: Record<string, number> = { 'padda-static': staticPort, 'padda-cluster': clusterPort, direct: cluster.nodes[0]!.port };
const pids: Record<string, number> = { 'padda-static': paddaStatic.pid, 'padda-cluster': paddaCluster.pid };
const cpu = new Map<string, number[]>();
try {
  const scenarios = [
    ...[1, 16].flatMap((pipeline) => ['set', 'get'].map((test) => ({ name: `${test} -P ${pipeline}`, test, pipeline, targets: ['padda-static', 'padda-cluster', 'direct'] }))),
    // 10 random keys span slots: redis-benchmark --cluster cannot send them to one node, so no direct row.
    { name: 'mget -P 1', test: 'mget', pipeline: 1, targets: ['padda-static', 'padda-cluster'] },
  ];
  const plan = scenarios.map(({ name, targets }) => ({ scenario: name, targets }));
  const rows = await measureRounds(rounds, plan, async (name, target) => {
    const { test, pipeline } = scenarios.find((s) => s.name === name)!;
    const pid = pids[target];
    const before = pid === undefined ? 0 : cpuMicros(pid);
    const sample = await redisBenchmark({ port: ports[target]!, test, clients: 50, requests, pipeline, keyspace: 100_000, cluster: target === 'direct' });
    if (pid !== undefined) {
      const key = `${name}\t${target}`;
      cpu.set(key, [...(cpu.get(key) ?? []), (cpuMicros(pid) - before) / requests]);
    }
    return sample;
  });
  console.log(`\nbench/redis-cluster: redis-benchmark -c 50 -n ${requests} -r 100000; a 3-primary cluster (direct: redis-benchmark --cluster) and 3 standalone shards; ${rounds} rounds\n`);
  printTable(rows, 'padda-static', 'padda-cluster');
  console.log('\nCPU per request (median over rounds; /proc, 10 ms resolution):');
  for (const scenario of scenarios) {
    const of = (target: string) => median(cpu.get(`${scenario.name}\t${target}`) ?? [NaN]);
    console.log(`  ${scenario.name.padEnd(10)} padda-static ${of('padda-static').toFixed(1).padStart(6)} µs  padda-cluster ${of('padda-cluster').toFixed(1).padStart(6)} µs  cluster/static ${(of('padda-cluster') / of('padda-static')).toFixed(2)}x`);
  }
} finally {
  await Promise.all([paddaStatic.stop(), paddaCluster.stop(), cluster.stop(), ...shards.map((s) => s.stop())]);
}
