import type { Row } from './report.ts';
import type { LoadSample } from './wrk.ts';

/**
 * Measures every target in every scenario `rounds` times, alternating the
 * targets' order each round so none always runs on a warmer (or busier)
 * machine, and logs each sample to stderr as it comes.
 */
export async function measureRounds<Target extends string>(
  rounds: number,
  scenarios: readonly string[],
  targets: readonly Target[],
  measure: (scenario: string, target: Target) => Promise<LoadSample>,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    for (const target of targets) rows.push({ scenario, target, samples: [] });
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 0 ? [...targets].reverse() : targets;
      for (const target of order) {
        const sample = await measure(scenario, target);
        rows.find((r) => r.scenario === scenario && r.target === target)!.samples.push(sample);
        process.stderr.write(`round ${round} ${scenario} ${target}: ${sample.requestsPerSecond.toFixed(0)}/s p99 ${sample.p99Ms} ms\n`);
      }
    }
  }
  return rows;
}
