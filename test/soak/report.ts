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

/**
 * A heap grows to its working size lazily, so RSS at the start of the faults
 * is not the baseline: the highest RSS of the first half of the faults is.
 * Every kind of fault happens in both halves, so a leak per fault or reload
 * keeps growing past that plateau, and a process that has settled does not.
 */
const RSS_GROWTH_MIB = 32;
const FD_GROWTH = 32;

export function processStats(pid: number): ProcessStats {
  return { rssMiB: rssOf(pid) / 2 ** 20, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

/** RSS sampled every 2 s while the faults last. */
export class RssTrace {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number) {
    this.timer = setInterval(() => {
      try {
        this.samples.push(rssOf(pid) / 2 ** 20);
      } catch {
        // padda died; the verdict says so
      }
    }, 2000);
  }

  /** Stops sampling; the plateau is the highest sample of the first half. */
  stop(): { plateauMiB: number; peakMiB: number } {
    clearInterval(this.timer);
    const firstHalf = this.samples.slice(0, Math.max(1, Math.floor(this.samples.length / 2)));
    return { plateauMiB: Math.max(...firstHalf), peakMiB: Math.max(...this.samples) };
  }
}

export interface Memory {
  start: ProcessStats;
  plateauMiB: number;
  peakMiB: number;
  end: ProcessStats;
}

export function report(outcomes: Outcomes, chaos: ChaosTally, memory: Memory, alive: boolean, ready: number): void {
  const { start, end } = memory;
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
  console.log(`padda: RSS ${round(start.rssMiB)} MiB at the first fault, ${round(memory.plateauMiB)} plateau (first half), ${round(memory.peakMiB)} peak, ${round(end.rssMiB)} at the end; fds ${start.fds} → ${end.fds}; ${alive ? 'alive' : 'DEAD'}, /ready ${ready}`);
  for (const sample of outcomes.unexpectedSamples) console.log(`unexpected: ${sample}`);
}

export function verdict(outcomes: Outcomes, memory: Memory, alive: boolean, ready: number): string[] {
  const { start, end } = memory;
  const problems: string[] = [];
  if (!alive) problems.push('padda died');
  else if (ready !== 200) problems.push(`/ready answered ${ready} after the faults ended`);
  for (const [mode, t] of outcomes.modes) {
    if (t.unexpected > 0) problems.push(`${mode}: ${t.unexpected} unexpected failures`);
    if (t.ok === 0) problems.push(`${mode}: no request succeeded`);
  }
  if (end.rssMiB - memory.plateauMiB > RSS_GROWTH_MIB) problems.push(`RSS grew ${round(end.rssMiB - memory.plateauMiB)} MiB past its plateau`);
  if (end.fds - start.fds > FD_GROWTH) problems.push(`open fds grew by ${end.fds - start.fds}`);
  return problems;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
