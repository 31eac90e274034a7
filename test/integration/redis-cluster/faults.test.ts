import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { get, startPadda, waitForStatus } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedisCluster, type RedisClusterNodes } from '../../support/redis-cluster.ts';

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** A 3+3 cluster and padda over it, seeded with one node. */
async function clusterBehindPadda(): Promise<{ cluster: RedisClusterNodes; port: number; admin: number }> {
  const cluster = await startRedisCluster(3, 1);
  cleanup.push(() => cluster.stop());
  const [port, admin] = (await freePorts(2)) as [number, number];
  const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  cache:
    mode: redis
    listen: 127.0.0.1:${port}
    timeout: 2000
    cluster: [${cluster.addresses[0]}]
`);
  cleanup.push(() => padda.stop());
  // Padda's start and its first map, on a machine other tests load too.
  await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 30_000);
  return { cluster, port, admin };
}

/**
 * Clients writing and reading random keys through padda until stopped,
 * with the time (performance.now()) of every error they were answered.
 */
function steadyLoad(port: number, workers = 8) {
  const errors: Array<{ at: number; message: string }> = [];
  let answered = 0;
  let running = true;
  const clients = Array.from({ length: workers }, () => new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 }));
  const done = Promise.all(clients.map(async (client) => {
    while (running) {
      const key = `load:${Math.floor(Math.random() * 100_000)}`;
      try {
        await client.set(key, key);
        assert.equal(await client.get(key), key);
        answered += 2;
      } catch (error) {
        errors.push({ at: performance.now(), message: (error as Error).message });
        // A dead primary refuses at once: no spinning on it.
        await sleep(5);
      }
    }
  }));
  return {
    errors,
    answered: () => answered,
    async stop() {
      running = false;
      await done;
      for (const client of clients) client.disconnect();
    },
  };
}

/** Sums a counter's series on /metrics whose labels match. */
async function counter(admin: number, name: string, labels: RegExp = /.*/): Promise<number> {
  const text = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{(.*)\\} (\\d+)`).exec(line);
    if (match !== null && labels.test(match[1]!)) sum += Number(match[2]);
  }
  return sum;
}

describe('redis listener over a Redis Cluster: faults', () => {
  test('a primary SIGKILLed under load: its replica is promoted, requests resume once padda has the new map; the error window is measured', async (t) => {
    const { cluster, port } = await clusterBehindPadda();
    const load = steadyLoad(port);
    cleanup.push(() => load.stop());
    await sleep(500);
    const killed = cluster.nodes[1]!;
    const killedAt = performance.now();
    process.kill(killed.pid, 'SIGKILL');
    await cluster.settled(30_000);
    const settledAt = performance.now();
    // Long enough past the promotion for a map refresh to have found it (they come every 100 ms while connections fail).
    await sleep(2_000);
    const before = load.errors.length;
    const answeredBefore = load.answered();
    await sleep(1_000);
    await load.stop();
    assert.ok(load.answered() - answeredBefore > 100, `too few answers after the failover: ${load.answered() - answeredBefore}`);
    assert.equal(load.errors.length, before, `errors after the new map: ${load.errors.slice(before, before + 3).map((e) => e.message).join('; ')}`);
    assert.ok(load.errors.length > 0, 'the dead primary never failed a request: was it serving any?');
    const window = load.errors.at(-1)!.at - load.errors[0]!.at;
    const message = `SIGKILL failover: ${load.errors.length} errors in a window of ${Math.round(window)} ms ` +
      `(kill → last error ${Math.round(load.errors.at(-1)!.at - killedAt)} ms; kill → cluster settled ${Math.round(settledAt - killedAt)} ms); ` +
      `${load.answered()} answers; errors: ${[...new Set(load.errors.map((e) => e.message.replace(/\d+/g, 'N')))].join(' | ')}`;
    t.diagnostic(message);
    console.log(message);
    assert.ok(load.errors.at(-1)!.at - settledAt < 2_000, 'errors went on long after the cluster settled');
  });

  test('CLUSTER FAILOVER under load: the old primary answers MOVED, padda follows it; no client sees an error', async (t) => {
    const { cluster, port, admin } = await clusterBehindPadda();
    const load = steadyLoad(port);
    cleanup.push(() => load.stop());
    await sleep(500);
    const replica = cluster.nodes.find((node) => node.port !== cluster.nodes[0]!.port && cluster.nodes.indexOf(node) >= 3)!;
    const startedAt = performance.now();
    assert.equal((await cluster.cli(replica.port, 'cluster', 'failover')).trim(), 'OK');
    for (let i = 0; i < 100 && !(await cluster.cli(replica.port, 'role')).startsWith('master'); i++) await sleep(100);
    await cluster.settled(30_000);
    await sleep(1_000);
    const answeredBefore = load.answered();
    const before = load.errors.length;
    await sleep(1_000);
    await load.stop();
    assert.ok(load.answered() - answeredBefore > 100);
    assert.equal(load.errors.length, before);
    const moved = await counter(admin, 'padda_redis_cluster_redirects_total', /kind="moved"/);
    assert.ok(moved > 0, 'no MOVED followed: did the failover move any slot padda was using?');
    const window = load.errors.length === 0 ? 0 : load.errors.at(-1)!.at - load.errors[0]!.at;
    const message = `CLUSTER FAILOVER: ${load.errors.length} errors (window ${Math.round(window)} ms), ${moved} MOVED followed, ` +
      `failover done in ${Math.round(performance.now() - startedAt - 2_000)} ms; ${load.answered()} answers` +
      (load.errors.length > 0 ? `; errors: ${[...new Set(load.errors.map((e) => e.message))].join(' | ')}` : '');
    t.diagnostic(message);
    console.log(message);
    // A manual failover hands the slots over without a moment of nobody serving them.
    assert.equal(load.errors.length, 0, message);
  });

  test('redis-cli --cluster reshard moving 1000 slots while redis-benchmark runs through padda: 0 errors to the client', async (t) => {
    const { cluster, port, admin } = await clusterBehindPadda();
    const run = (command: string, args: string[]) => spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Keys in every slot first, so the move has data to migrate.
    const fill = run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'set', '-n', '30000', '-r', '100000', '-c', '20', '-q']);
    await new Promise((resolve) => fill.once('exit', resolve));
    const errorsBefore = await counter(admin, 'padda_redis_command_errors_total');
    const commandsBefore = await counter(admin, 'padda_redis_commands_total');
    const benchmark = run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-n', '100000000', '-r', '100000', '-c', '20', '-l', '-e', '-q']);
    let benchmarkOutput = '';
    benchmark.stdout!.setEncoding('utf8').on('data', (chunk: string) => (benchmarkOutput += chunk));
    benchmark.stderr!.setEncoding('utf8').on('data', (chunk: string) => (benchmarkOutput += chunk));
    cleanup.push(() => void benchmark.kill('SIGKILL'));
    await sleep(500);
    const ids = (await cluster.cli(cluster.nodes[0]!.port, 'cluster', 'nodes')).trim().split('\n').map((line) => line.split(' '));
    const primaries = ids.filter((fields) => fields[2]!.includes('master') && fields.length > 8);
    const [from, to] = [primaries[0]![0]!, primaries[1]![0]!];
    const reshard = run('redis-cli', ['--cluster', 'reshard', cluster.addresses[0]!, '--cluster-from', from, '--cluster-to', to, '--cluster-slots', '1000', '--cluster-yes']);
    let reshardOutput = '';
    reshard.stdout!.setEncoding('utf8').on('data', (chunk: string) => (reshardOutput += chunk));
    reshard.stderr!.setEncoding('utf8').on('data', (chunk: string) => (reshardOutput += chunk));
    const startedAt = performance.now();
    const code = await new Promise<number | null>((resolve) => reshard.once('exit', resolve));
    const movedIn = performance.now() - startedAt;
    assert.equal(code, 0, `reshard failed:\n${reshardOutput.slice(-2000)}`);
    await sleep(500);
    benchmark.kill('SIGTERM');
    await new Promise((resolve) => (benchmark.exitCode === null ? benchmark.once('exit', resolve) : resolve(null)));
    const errors = (await counter(admin, 'padda_redis_command_errors_total')) - errorsBefore;
    const commands = (await counter(admin, 'padda_redis_commands_total')) - commandsBefore;
    const asked = await counter(admin, 'padda_redis_cluster_redirects_total', /kind="ask"/);
    const moved = await counter(admin, 'padda_redis_cluster_redirects_total', /kind="moved"/);
    const tryagain = await counter(admin, 'padda_redis_cluster_redirects_total', /kind="tryagain"/);
    const migrated = (reshardOutput.match(/^Moving slot \d+ from/gm) ?? []).length;
    const message = `reshard of ${migrated} slots in ${Math.round(movedIn)} ms under redis-benchmark: ${commands} commands through padda, ${errors} errors; ` +
      `redirects followed: ${asked} ASK, ${moved} MOVED, ${tryagain} TRYAGAIN`;
    t.diagnostic(message);
    console.log(message);
    assert.equal(migrated, 1000);
    assert.ok(commands > 1000, `redis-benchmark sent only ${commands} commands`);
    assert.ok(moved > 0, 'no MOVED: the benchmark never met a moved slot');
    assert.equal(errors, 0, `errors answered to redis-benchmark:\n${benchmarkOutput.split('\n').filter((line) => /error/i.test(line)).slice(0, 5).join('\n')}`);
    assert.doesNotMatch(benchmarkOutput, /Error from server/);
  });
});
