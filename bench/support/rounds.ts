import type { Row } from './report.ts';
import type { LoadSample } from './wrk.ts';

export interface Scenario {
  scenario: string;
  /** The targets measured in this scenario (not every anchor runs every scenario). */
  targets: readonly string[];
}

/**
 * Measures every target of every scenario `rounds` times. Rounds are the
 * outer loop and the targets' order alternates each round, so a drift in the
 * machine's load spreads over all targets instead of falling on one. Each
 * sample is logged to stderr as it comes.
 */
export async function measureRounds(rounds: number, plan: readonly Scenario[], measure: (scenario: string, target: string) => Promise<LoadSample>): Promise<Row[]> {
  const rows: Row[] = plan.flatMap(({ scenario, targets }) => targets.map((target) => ({ scenario, target, samples: [] as LoadSample[] })));
  for (let round = 1; round <= rounds; round++) {
    for (const { scenario, targets } of plan) {
      const order = round % 2 === 0 ? [...targets].reverse() : targets;
      for (const target of order) {
        const sample = await measure(scenario, target);
        rows.find((r) => r.scenario === scenario && r.target === target)!.samples.push(sample);
        process.stderr.write(`round ${round} ${scenario} ${target}: ${sample.requestsPerSecond.toFixed(0)}/s p99 ${sample.p99Ms} ms errors ${sample.errors}\n`);
      }
    }
  }
  return rows;
}
