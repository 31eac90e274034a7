import { Histogram, type FamilySnapshot, type Labels } from '../../metrics/registry.ts';
import { histogramQuantile } from '../../metrics/quantile.ts';

/** Reading merged metric families by name and labels, for the status page. */
export class SeriesReader {
  private readonly families: Map<string, FamilySnapshot>;

  constructor(families: readonly FamilySnapshot[]) {
    this.families = new Map(families.map((family) => [family.name, family]));
  }

  /** Sum of the samples of `name` whose labels include `match`; undefined when none has them. */
  sum(name: string, match: Labels): number | undefined {
    let total: number | undefined;
    for (const sample of this.matching(name, match)) total = (total ?? 0) + (sample.value ?? 0);
    return total;
  }

  /** The q-quantile of a histogram over the samples matching, in milliseconds; undefined without observations. */
  quantileMs(name: string, match: Labels, q: number): number | undefined {
    const family = this.families.get(name);
    if (family?.type !== 'histogram' || family.bounds === undefined) return undefined;
    const histogram = new Histogram(family.bounds);
    for (const sample of this.matching(name, match)) {
      sample.counts?.forEach((count, i) => (histogram.counts[i]! += count));
    }
    const seconds = histogramQuantile(histogram, q);
    return Number.isNaN(seconds) ? undefined : seconds * 1000;
  }

  /** The labels of the first sample matching, for info-style series (`redis_instance_info`). */
  labels(name: string, match: Labels): Labels | undefined {
    return this.matching(name, match)[0]?.labels;
  }

  private matching(name: string, match: Labels) {
    const samples = this.families.get(name)?.samples ?? [];
    return samples.filter((sample) => Object.entries(match).every(([key, value]) => sample.labels[key] === value));
  }
}
