import { MergeError, type MergeStrategy } from './strategy.ts';

type Tree = number | { [key: string]: Tree };

/** A word count: numbers added, objects of numbers (nested or not) added key by key. */
export function sumStrategy(): MergeStrategy {
  return {
    firstWins: false,
    check: (value) => (isNumberTree(value) ? null : 'not_numbers'),
    merge(answers) {
      let total: Tree | undefined;
      for (const { value } of answers) total = total === undefined ? clone(value as Tree) : add(total, value as Tree, '');
      return total ?? {};
    },
  };
}

function isNumberTree(value: unknown): value is Tree {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const child of Object.values(value)) if (!isNumberTree(child)) return false;
  return true;
}

/** Adds `value` into `total`, which it owns (a clone of the first answer), and returns it. */
function add(total: Tree, value: Tree, at: string): Tree {
  if (typeof total === 'number' && typeof value === 'number') return total + value;
  if (typeof total === 'number' || typeof value === 'number') {
    throw new MergeError(`leaves disagree on ${at || 'the answer'}: a number in one, an object in another`);
  }
  for (const [key, child] of Object.entries(value)) {
    const mine = Object.hasOwn(total, key) ? total[key] : undefined;
    total[key] = mine === undefined ? clone(child) : add(mine, child, at ? `${at}.${key}` : key);
  }
  return total;
}

function clone(value: Tree): Tree {
  return typeof value === 'number' ? value : (structuredClone(value) as Tree);
}
