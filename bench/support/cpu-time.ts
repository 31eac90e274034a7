import fs from 'node:fs';
import { median } from './report.ts';
import type { LoadSample } from './wrk.ts';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time a process has used so far, user and system, in µs (from /proc, 10 ms resolution). */
export function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
}

/**
 * CPU per request of the proxies a bench measures (by target name, for the
 * targets that are one process), around each load run: what a request costs
 * in CPU, which on a shared machine says more than req/s alone.
 */
export class CpuPerRequest {
  private readonly pids: Record<string, number>;
  private readonly samples = new Map<string, number[]>();

  constructor(pids: Record<string, number>) {
    this.pids = pids;
  }

  async measure(scenario: string, target: string, seconds: number, run: () => Promise<LoadSample>): Promise<LoadSample> {
    const pid = this.pids[target];
    const before = pid === undefined ? 0 : cpuMicros(pid);
    const sample = await run();
    if (pid !== undefined) {
      const key = `${scenario}\t${target}`;
      const list = this.samples.get(key) ?? [];
      list.push((cpuMicros(pid) - before) / (sample.requestsPerSecond * seconds));
      this.samples.set(key, list);
    }
    return sample;
  }

  print(): void {
    console.log('\nCPU per request (median over rounds):');
    for (const [key, values] of this.samples) {
      const [scenario, target] = key.split('\t');
      console.log(`  ${scenario!.padEnd(28)} ${target!.padEnd(6)} ${median(values).toFixed(1).padStart(7)} µs   (rounds: ${values.map((v) => v.toFixed(1)).join(' / ')})`);
    }
  }
}
