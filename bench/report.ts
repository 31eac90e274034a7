import type { Bench } from 'tinybench';

/** Prints each task's mean time per item (ns) and items/s, for tasks that process `perRun` items per call. */
export function printPerItem(title: string, bench: Bench, perRun: number, unit = 'key'): void {
  console.log(`\n${title}`);
  const rows = bench.tasks.map((task) => {
    const r = task.result;
    const ms = 'period' in r ? r.period : NaN;
    const rme = 'latency' in r ? r.latency.rme : NaN;
    const ns = (ms * 1e6) / perRun;
    return { task: task.name, [`ns/${unit}`]: ns.toFixed(1), [`M ${unit}s/s`]: (1e3 / ns).toFixed(2), '±%': rme.toFixed(1) };
  });
  console.table(rows);
}
