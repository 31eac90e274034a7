import type { ItemKey } from './item-key.ts';
import { expectArray, type MergeStrategy } from './strategy.ts';

/**
 * The best `limit` items of all leaves by the `sort` field, each item once
 * when an id is configured (its best-ranked copy). Items without a
 * comparable sort value rank last; ties keep leaf order (the sort is stable).
 */
export function topkStrategy(sort: string, order: 'asc' | 'desc', limit: number, key: ItemKey | null): MergeStrategy {
  const direction = order === 'desc' ? -1 : 1;
  const rank = (item: unknown): number | string | undefined => {
    if (item === null || typeof item !== 'object') return undefined;
    const value = (item as Record<string, unknown>)[sort];
    return typeof value === 'number' || typeof value === 'string' ? value : undefined;
  };
  const compare = (a: unknown, b: unknown): number => {
    const x = rank(a);
    const y = rank(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    return x < y ? -direction : x > y ? direction : 0;
  };
  return {
    firstWins: false,
    check: expectArray,
    merge(answers) {
      const ranked = answers.flatMap(({ value }) => value as unknown[]).sort(compare);
      if (key === null) return ranked.slice(0, limit);
      const seen = new Set<unknown>();
      const best: unknown[] = [];
      for (const item of ranked) {
        if (best.length === limit) break;
        const k = key(item);
        if (seen.has(k)) continue;
        seen.add(k);
        best.push(item);
      }
      return best;
    },
  };
}
