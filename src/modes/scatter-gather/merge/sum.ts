import { MergeError, type MergeStrategy } from './strategy.ts';

type Tree = number | { [key: string]: Tree };

/** A word count: numbers added, objects of numbers (nested or not) added key by key. */
export function sumStrategy(): MergeStrategy {
  return {
    firstWins: false,
    check: (value) => (isNumberTree(value) ? null : 'not_numbers'),
    merge(answers) {
      let total: Tree | undefined;
      for (const { value } of answers) total = total === undefined ? clone(value as Tree) : add(total, value as Tree, []);
      return total ?? {};
    },
  };
}

/**
 * Objects nested deeper than this are not numbers to add: checking, cloning
 * and adding each take a stack frame per level, and a leaf's 1 MB answer can
 * nest 150 000 levels deep — which would overflow the stack mid-answer.
 */
const MAX_DEPTH = 100;

function isNumberTree(value: unknown, depth = 0): value is Tree {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth === MAX_DEPTH) return false;
  for (const child of Object.values(value)) if (!isNumberTree(child, depth + 1)) return false;
  return true;
}

/** Adds `value` into `total`, which it owns (a clone of the first answer), and returns it. `at`: the keys down to here, joined only for an error. */
function add(total: Tree, value: Tree, at: string[]): Tree {
  if (typeof total === 'number' && typeof value === 'number') return total + value;
  if (typeof total === 'number' || typeof value === 'number') {
    throw new MergeError(`leaves disagree on ${at.join('.') || 'the answer'}: a number in one, an object in another`);
  }
  for (const [key, child] of Object.entries(value)) {
    if (Object.hasOwn(total, key)) {
      at.push(key);
      total[key] = add(total[key]!, child, at);
      at.pop();
    }
    // Defined, not assigned: a key named __proto__ (a word like any other to a word count) would set the prototype.
    else Object.defineProperty(total, key, { value: clone(child), writable: true, enumerable: true, configurable: true });
  }
  return total;
}

function clone(value: Tree): Tree {
  return typeof value === 'number' ? value : (structuredClone(value) as Tree);
}
