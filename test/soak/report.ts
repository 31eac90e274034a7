/**
 * The soak's printout and verdict: requests and failures per mode, p99 by
 * phase, what the chaos loop did, and padda's RSS and fds at the start and
 * end of the faults.
 */
import fs from 'node:fs';
import { rssOf } from '../support/rss.ts';
import type { ChaosTally } from './chaos.ts';
import { PHASES, type Outcomes } from './outcomes.ts';

export interface ProcessStats {
  rssMiB: number;
  fds: number;
}

/** Growth past these fails the run: a leak per fault or reload shows within minutes. */
const RSS_GROWTH_MIB = 64;
const FD_GROWTH = 32;

export function processStats(pid: number): ProcessStats {
  return { rssMiB: rssOf(pid) / 2 ** 20, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

export function report(outcomes: Outcomes, chaos: ChaosTally, start: ProcessStats, end: ProcessStats, alive: boolean, ready: number): void {
  const rows = [...outcomes.modes].map(([mode, t]) => ({
    mode,
    sent: t.sent,
    ok: t.ok,
    'failed (expected)': t.expected,
    'failed (unexpected)': t.unexpected,
    ...Object.fromEntries(PHASES.map((phase) => [`p99 ${phase} ms`, round(t.latency[phase].quantile(0.99))])),
  }));
  console.table(rows);
  console.log(`faults: ${JSON.stringify(outcomes.faultsByKind())}; reloads ${chaos.reloads} (${chaos.invalidReloads} invalid first); hostile bursts ${chaos.hostileBursts}: ${chaos.hostile.opened} connections, ${chaos.hostile.closedByPadda} closed by padda`);
  console.log(`padda: RSS ${round(start.rssMiB)} → ${round(end.rssMiB)} MiB, fds ${start.fds} → ${end.fds}, ${alive ? 'alive' : 'DEAD'}, /ready ${ready}`);
  for (const sample of outcomes.unexpectedSamples) console.log(`unexpected: ${sample}`);
}

export function verdict(outcomes: Outcomes, start: ProcessStats, end: ProcessStats, alive: boolean, ready: number): string[] {
  const problems: string[] = [];
  if (!alive) problems.push('padda died');
  else if (ready !== 200) problems.push(`/ready answered ${ready} after the faults ended`);
  for (const [mode, t] of outcomes.modes) {
    if (t.unexpected > 0) problems.push(`${mode}: ${t.unexpected} unexpected failures`);
    if (t.ok === 0) problems.push(`${mode}: no request succeeded`);
  }
  if (end.rssMiB - start.rssMiB > RSS_GROWTH_MIB) problems.push(`RSS grew ${round(end.rssMiB - start.rssMiB)} MiB`);
  if (end.fds - start.fds > FD_GROWTH) problems.push(`open fds grew by ${end.fds - start.fds}`);
  return problems;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
