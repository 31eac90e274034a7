import { labelKey, type FamilySnapshot, type Sample } from './registry.ts';

/**
 * Adds snapshots from several worker processes into one. Counters and
 * histograms add by definition; every gauge padda exports (connections, bytes
 * of memory, queue depths) is a per-process quantity whose sum is the answer.
 */
export function mergeSnapshots(snapshots: readonly FamilySnapshot[][]): FamilySnapshot[] {
  const families = new Map<string, FamilySnapshot & { index: Map<string, Sample> }>();
  for (const snapshot of snapshots) {
    for (const family of snapshot) {
      let merged = families.get(family.name);
      if (!merged) {
        merged = { ...family, samples: [], index: new Map() };
        families.set(family.name, merged);
      }
      for (const sample of family.samples) {
        const key = labelKey(sample.labels);
        const existing = merged.index.get(key);
        if (!existing) {
          const copy: Sample = { ...sample, ...(sample.counts ? { counts: [...sample.counts] } : {}) };
          merged.index.set(key, copy);
          merged.samples.push(copy);
          continue;
        }
        if (sample.value !== undefined) existing.value = (existing.value ?? 0) + sample.value;
        if (sample.counts && existing.counts) {
          for (let i = 0; i < sample.counts.length; i++) existing.counts[i] = (existing.counts[i] ?? 0) + sample.counts[i]!;
          existing.sum = (existing.sum ?? 0) + (sample.sum ?? 0);
        }
      }
    }
  }
  return [...families.values()].map(({ index: _index, ...family }) => family);
}
