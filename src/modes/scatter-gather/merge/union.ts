import type { ItemKey } from './item-key.ts';
import { expectArray, type MergeStrategy } from './strategy.ts';

/** Document-sharded search: every item any leaf found, once, in leaf order (the first leaf's copy wins). */
export function unionStrategy(key: ItemKey): MergeStrategy {
  return {
    firstWins: false,
    check: expectArray,
    merge(answers) {
      const seen = new Set<unknown>();
      const merged: unknown[] = [];
      for (const { value } of answers) {
        for (const item of value as unknown[]) {
          const k = key(item);
          if (seen.has(k)) continue;
          seen.add(k);
          merged.push(item);
        }
      }
      return merged;
    },
  };
}
