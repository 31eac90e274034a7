/**
 * scatter-gather, in one run:
 *
 * 1. The straggler effect and hedging. 10 leaves × 2 replicas, each replica
 *    answering in ~median ms except 1 % of requests that take 20 × the
 *    median. The same leaves behind two roots — no hedging, and
 *    `hedge: { after: p95, max_extra: 5% }` — measured alternately, round
 *    by round: root p50/p99/p99.9 from every request's own latency, and the
 *    extra leaf requests hedging cost (from padda's counters).
 * 2. The root's own overhead: leaves answering at once, fan-out 1, 10 and
 *    50, one request at a time; overhead = root p50 − slowest leaf's p50
 *    (each leaf measured directly with the same client).
 *
 * Leaves run in a process of their own; padda has one worker. The load is
 * light on purpose (2 clients, ~80 root requests/s): on a small shared
 * machine, CPU contention adds stalls of its own that no hedge can cut.
 *
 *   npx node bench/scatter.ts [--requests 9000] [--rounds 3] [--concurrency 2] [--median 20]
 */
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { startProcess, tempDir, type RunningServer } from '../test/support/servers.ts';
import { concatSorted, measureLatency, quantile } from './support/latency-load.ts';
import { startPaddaServer } from './support/padda.ts';
import { median } from './support/report.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '9000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '2' },
    median: { type: 'string', default: '20' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const leafMedian = Number(values.median);

const LEAVES_SCRIPT = new URL('./support/latency-leaves.ts', import.meta.url).pathname;
const VARIANTS = { 'no hedging': 'plain', 'hedge after p95, max 5%': 'hedged' } as const;

async function startLeaves(ports: number[], args: string[]): Promise<RunningServer> {
  return startProcess({ label: 'leaves', command: process.execPath, args: [LEAVES_SCRIPT, ...args, ...ports.map(String)], ports, dir: await tempDir('leaves') });
}

async function counters(admin: number, listener: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const name of ['leaf_requests', 'hedges', 'hedges_won', 'hedges_denied']) {
    const match = new RegExp(`^padda_scatter_${name}_total\\{listener="${listener}"\\} (\\d+)$`, 'm').exec(text);
    out[name] = match ? Number(match[1]) : 0;
  }
  return out;
}

function table(header: string[], rows: string[][]): void {
  const lines = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

const ms = (value: number) => value.toFixed(2);

async function tail(): Promise<void> {
  const ports = await freePorts(23);
  const [admin, plain, hedged] = ports.splice(0, 3) as [number, number, number];
  const leaves = await startLeaves(ports, ['--median', String(leafMedian), '--slow-fraction', '0.01', '--slow-factor', '20']);
  const leafList = Array.from({ length: 10 }, (_, i) => `{ name: leaf-${i}, replicas: [127.0.0.1:${ports[2 * i]}, 127.0.0.1:${ports[2 * i + 1]}] }`).join(', ');
  const root = (name: string, port: number, extra: string) => `
  ${name}:
    mode: scatter-gather
    listen: 127.0.0.1:${port}
    leaves: [${leafList}]
    merge: { strategy: union, path: docs, id: id }
    deadline: 5s${extra}`;
  const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${admin} }
log: { level: warn }
listeners:${root('plain', plain, '')}${root('hedged', hedged, '\n    hedge: { after: p95, max_extra: 5% }')}
`, [plain, hedged, admin]);
  try {
    const port = { plain, hedged };
    // Warm up connections, JIT, and the hedged root's latency windows (p95 needs 200 answers per leaf).
    for (const listener of Object.values(VARIANTS)) await measureLatency(`http://127.0.0.1:${port[listener]}/search`, 1000, concurrency);
    const samples = new Map<string, Float64Array[]>();
    const cost = new Map<string, Record<string, number>>();
    for (let round = 1; round <= rounds; round++) {
      const order = Object.entries(VARIANTS);
      if (round % 2 === 0) order.reverse();
      for (const [variant, listener] of order) {
        const before = await counters(admin, listener);
        const sample = await measureLatency(`http://127.0.0.1:${port[listener]}/search`, Math.ceil(requests / rounds), concurrency);
        const after = await counters(admin, listener);
        if (sample.errors > 0) throw new Error(`${variant}: ${sample.errors} errors`);
        samples.set(variant, [...(samples.get(variant) ?? []), sample.latencies]);
        const total = cost.get(variant) ?? { requests: 0, leaf_requests: 0, hedges: 0, hedges_won: 0, hedges_denied: 0 };
        total.requests! += sample.latencies.length;
        for (const key of ['leaf_requests', 'hedges', 'hedges_won', 'hedges_denied']) total[key]! += after[key]! - before[key]!;
        cost.set(variant, total);
        process.stderr.write(`round ${round} ${variant}: p50 ${ms(quantile(sample.latencies, 0.5))} p99 ${ms(quantile(sample.latencies, 0.99))} p99.9 ${ms(quantile(sample.latencies, 0.999))} ms\n`);
      }
    }
    console.log(`\nbench/scatter, tail: 10 leaves x 2 replicas, leaf median ${leafMedian} ms (±20 %), 1 % of leaf requests ${20 * leafMedian} ms; ` +
      `${concurrency} clients, ${rounds} rounds, ${requests} root requests per root\n`);
    const p999: Record<string, number> = {};
    table(['root', 'requests', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'extra leaf requests', 'hedges won', 'hedges denied'], Object.keys(VARIANTS).map((variant) => {
      const all = concatSorted(samples.get(variant)!);
      const c = cost.get(variant)!;
      p999[variant] = quantile(all, 0.999);
      const firsts = c.requests! * 10;
      return [variant, String(all.length), ms(quantile(all, 0.5)), ms(quantile(all, 0.99)), ms(p999[variant]), ms(all[all.length - 1]!),
        `${(((c.leaf_requests! - firsts) / firsts) * 100).toFixed(2)} %`, String(c.hedges_won), String(c.hedges_denied)];
    }));
    const [without, withHedging] = Object.keys(VARIANTS) as [string, string];
    // One stall of the shared machine in one round sets the pooled p99.9; the median of rounds is what the other benches quote.
    const rounds999 = (variant: string) => samples.get(variant)!.map((sample) => quantile(sample, 0.999));
    console.log('');
    for (const variant of [without, withHedging]) console.log(`p99.9 by round, ${variant}: ${rounds999(variant).map(ms).join(' / ')} ms`);
    console.log(`\nhedging cuts the root's p99.9 by ${(median(rounds999(without)) / median(rounds999(withHedging))).toFixed(1)}x (median of rounds), ` +
      `${(p999[without]! / p999[withHedging]!).toFixed(1)}x (all requests pooled); target: >= 5x for <= 5 % extra leaf requests\n`);
  } finally {
    await padda.stop();
    await leaves.stop();
  }
}

async function overhead(): Promise<void> {
  const fanouts = [1, 10, 50];
  const ports = await freePorts(50 + fanouts.length + 1);
  const admin = ports.pop()!;
  const roots = ports.splice(50, fanouts.length);
  const leaves = await startLeaves(ports, ['--median', '0']);
  const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${admin} }
log: { level: warn }
listeners:${fanouts.map((n, i) => `
  fan-${n}:
    mode: scatter-gather
    listen: 127.0.0.1:${roots[i]}
    leaves: [${ports.slice(0, n).map((p) => `127.0.0.1:${p}`).join(', ')}]
    merge: { strategy: union, path: docs, id: id }`).join('')}
`, [...roots, admin]);
  try {
    const rootRequests = 3000;
    const leafRequests = 600;
    const leafP50 = new Map<number, number>();
    for (const port of ports) {
      await measureLatency(`http://127.0.0.1:${port}/search`, 100, 1);
      leafP50.set(port, quantile((await measureLatency(`http://127.0.0.1:${port}/search`, leafRequests, 1)).latencies, 0.5));
    }
    const rows: string[][] = [];
    for (const [i, n] of fanouts.entries()) {
      const url = `http://127.0.0.1:${roots[i]}/search`;
      await measureLatency(url, 500, 1);
      const root = quantile((await measureLatency(url, rootRequests, 1)).latencies, 0.5);
      const slowest = Math.max(...ports.slice(0, n).map((p) => leafP50.get(p)!));
      rows.push([String(n), ms(root), ms(slowest), ms(root - slowest)]);
    }
    console.log(`bench/scatter, root overhead: leaves answer at once, one request at a time (${rootRequests} per root, ${leafRequests} per leaf directly)\n`);
    table(['leaves', 'root p50 ms', 'slowest leaf p50 ms', 'overhead ms'], rows);
    console.log('\ntarget: overhead <= 1 ms at 10 leaves');
  } finally {
    await padda.stop();
    await leaves.stop();
  }
}

await tail();
await overhead();
