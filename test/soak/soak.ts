/**
 * padda's soak and chaos run (`npm run soak -- --minutes N`): every mode
 * under steady load from real clients (ioredis, raw memcache sockets, undici)
 * over real backends, while a chaos loop kills and SIGSTOPs backends,
 * reloads padda and opens slow, hostile and idle connections. It prints
 * what was sent, what failed (expected: a fault touched the request's
 * backends; unexpected: anything else), p99 before, during and after the
 * faults, and padda's RSS and open fds through the faults — and exits 1 on any
 * unexpected failure, on growth past the RSS plateau, or if padda died.
 *
 *   npm run soak -- [--minutes 5] [--modes redis,memcache,sidecar,shards,split,search,tcp]
 *                   [--loops 4] [--rate 40] [--every 6] [--seed N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { get, startPadda, waitForStatus } from '../support/padda.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { runChaos } from './chaos.ts';
import { placements } from './drivers/placement.ts';
import { driveHttp } from './drivers/http.ts';
import { searchProfile, shardProfile, sidecarProfile, splitProfile, tcpProfile } from './drivers/http-profiles.ts';
import { driveMemcache } from './drivers/memcache.ts';
import { driveRedis } from './drivers/redis.ts';
import { Outcomes } from './outcomes.ts';
import { processStats, report, RssTrace, verdict } from './report.ts';
import { buildTopology, LISTENERS, type ListenerName } from './topology.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    modes: { type: 'string', default: LISTENERS.join(',') },
    loops: { type: 'string', default: '4' },
    rate: { type: 'string', default: '40' },
    every: { type: 'string', default: '6' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});
const minutes = Number(values.minutes);
const modes = new Set(values.modes.split(',') as ListenerName[]);
for (const mode of modes) if (!LISTENERS.includes(mode)) throw new Error(`unknown mode ${mode}; modes: ${LISTENERS.join(', ')}`);
const load = { loops: Number(values.loops), rate: Number(values.rate) };
const seed = Number(values.seed);
const random = seededRandom(seed);

const totalMs = minutes * 60_000;
const beforeMs = Math.max(15_000, totalMs * 0.1);
const afterMs = Math.max(30_000, totalMs * 0.15);
const chaosMs = Math.max(10_000, totalMs - beforeMs - afterMs);
/** Latencies of the first seconds (connections opening, code not yet optimised) are not counted. */
const WARMUP_MS = 5000;
/** Failures this long after a fault ended still count as its own: ejection retry (2 s) and reconnects. */
const GRACE_MS = 5000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-soak-'));
console.log(`soak: ${minutes} min, modes ${[...modes].join(',')}, ${load.loops} loops × ${load.rate}/s per mode, seed ${seed}`);
const topology = await buildTopology(dir, modes);
const padda = startPadda(topology.config(0));
let exitCode = 1;
try {
  await waitForStatus(`http://127.0.0.1:${topology.admin}/ready`, 200, 30_000);
  const outcomes = new Outcomes(GRACE_MS);
  let running = true;
  const keep = () => running;
  // `padda route` names a pool server by address and a shard by name; the groups are the backends' own.
  const groupByPort = new Map(topology.backends.map((b) => [String(b.port), b.group]));
  const place = (listener: string) => (keys: string[]) => {
    const placed = placements(padda.configPath, listener, keys);
    for (const [key, server] of placed) placed.set(key, groupByPort.get(server.split(':')[1]!) ?? server);
    return placed;
  };
  const port = (name: ListenerName) => topology.listeners[name];
  const drivers: Array<Promise<void>> = [];
  if (modes.has('redis')) drivers.push(driveRedis(port('redis'), load, outcomes, place('redis'), keep, random));
  if (modes.has('memcache')) drivers.push(driveMemcache(port('memcache'), load, outcomes, place('memcache'), keep, random));
  const profiles = [
    modes.has('sidecar') && sidecarProfile(port('sidecar')),
    modes.has('shards') && shardProfile(port('shards'), place('shards')),
    modes.has('split') && splitProfile(port('split')),
    modes.has('search') && searchProfile(port('search')),
    modes.has('tcp') && tcpProfile(port('tcp')),
  ];
  for (const profile of profiles) if (profile) drivers.push(driveHttp(profile, load, outcomes, keep, random));

  await sleep(WARMUP_MS);
  outcomes.phase = 'before';
  await sleep(beforeMs - WARMUP_MS);
  const start = processStats(padda.child.pid!);
  const trace = new RssTrace(padda.child.pid!);
  outcomes.phase = 'during';
  const chaos = await runChaos(
    { padda, backends: topology.backends, listeners: [...modes].map((m) => [m, port(m)] as [ListenerName, number]), config: topology.config },
    outcomes,
    performance.now() + chaosMs,
    Number(values.every) * 1000,
    random,
  );
  const { plateauMiB, peakMiB } = trace.stop();
  outcomes.phase = 'after';
  await sleep(afterMs);
  const memory = { start, plateauMiB, peakMiB, end: processStats(padda.child.pid!) };
  running = false;
  await Promise.all(drivers);
  const alive = padda.child.exitCode === null && padda.child.signalCode === null;
  const ready = alive ? (await get(`http://127.0.0.1:${topology.admin}/ready`)).status : 0;
  report(outcomes, chaos, memory, alive, ready);
  const problems = verdict(outcomes, memory, alive, ready);
  for (const problem of problems) console.log(`FAIL: ${problem}`);
  if (problems.length === 0) console.log('PASS');
  exitCode = problems.length === 0 ? 0 : 1;
} finally {
  await padda.stop();
  await Promise.all(topology.backends.map((b) => b.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
