import type { LoadSample } from './wrk.ts';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Row {
  scenario: string;
  target: string;
  samples: LoadSample[];
}

/**
 * Prints one line per scenario and target with the medians over rounds, and
 * padda's ratio to each anchor named in `anchors` that ran in the same scenario.
 */
export function printTable(rows: readonly Row[], anchors: string | readonly string[], paddaName = 'padda'): void {
  const header = ['scenario', 'target', 'req/s (median)', 'p50 ms', 'p99 ms', 'errors', 'rounds req/s'];
  const lines = [header];
  for (const row of rows) {
    lines.push([
      row.scenario,
      row.target,
      median(row.samples.map((s) => s.requestsPerSecond)).toFixed(0),
      median(row.samples.map((s) => s.p50Ms)).toFixed(3),
      median(row.samples.map((s) => s.p99Ms)).toFixed(3),
      String(row.samples.reduce((sum, s) => sum + s.errors, 0)),
      row.samples.map((s) => s.requestsPerSecond.toFixed(0)).join(' / '),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  console.log('');
  for (const scenario of new Set(rows.map((r) => r.scenario))) {
    const of = (target: string) => rows.find((r) => r.scenario === scenario && r.target === target);
    const padda = of(paddaName);
    for (const anchor of typeof anchors === 'string' ? [anchors] : anchors) {
      const base = of(anchor);
      if (!padda || !base) continue;
      const ratio = median(padda.samples.map((s) => s.requestsPerSecond)) / median(base.samples.map((s) => s.requestsPerSecond));
      const p99 = median(padda.samples.map((s) => s.p99Ms)) / median(base.samples.map((s) => s.p99Ms));
      console.log(`${scenario}: ${paddaName} / ${anchor} = ${ratio.toFixed(2)}x req/s, ${p99.toFixed(2)}x p99`);
    }
  }
}
