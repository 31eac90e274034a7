import type { MergeConfig } from '../config.ts';
import { concatStrategy } from './concat.ts';
import { firstStrategy } from './first.ts';
import { intersectionStrategy } from './intersection.ts';
import { itemKey } from './item-key.ts';
import { moduleStrategy } from './module.ts';
import type { MergeStrategy } from './strategy.ts';
import { sumStrategy } from './sum.ts';
import { topkStrategy } from './topk.ts';
import { unionStrategy } from './union.ts';

export function createMergeStrategy(config: MergeConfig): MergeStrategy {
  switch (config.strategy) {
    case 'union':
      return unionStrategy(itemKey(config.id));
    case 'intersection':
      return intersectionStrategy(itemKey(config.id));
    case 'concat':
      return concatStrategy();
    case 'sum':
      return sumStrategy();
    case 'topk':
      return topkStrategy(config.sort, config.order, config.limit, config.id === undefined ? null : itemKey(config.id));
    case 'first':
      return firstStrategy();
    case 'module':
      return moduleStrategy(config.module.path);
  }
}
