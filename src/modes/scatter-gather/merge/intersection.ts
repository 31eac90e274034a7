import type { ItemKey } from './item-key.ts';
import { expectArray, type MergeStrategy } from './strategy.ts';

/**
 * Term-sharded search: the items every answering leaf found, in the first
 * leaf's order. With a leaf missing (a partial answer) its constraint is
 * missing too, so the result can hold more than the full answer would.
 */
export function intersectionStrategy(key: ItemKey): MergeStrategy {
  return {
    firstWins: false,
    check: expectArray,
    merge(answers) {
      if (answers.length === 0) return [];
      // How many leaves hold each key, counting a leaf once however often it lists the item.
      const holders = new Map<unknown, number>();
      answers.forEach(({ value }, leaf) => {
        for (const item of value as unknown[]) {
          const k = key(item);
          if ((holders.get(k) ?? 0) === leaf) holders.set(k, leaf + 1);
        }
      });
      const merged: unknown[] = [];
      for (const item of answers[0]!.value as unknown[]) {
        const k = key(item);
        if (holders.get(k) !== answers.length) continue;
        holders.delete(k);
        merged.push(item);
      }
      return merged;
    },
  };
}
