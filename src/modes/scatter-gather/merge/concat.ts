import { expectArray, type MergeStrategy } from './strategy.ts';

/** The leaves' arrays one after the other, in leaf order (not arrival order, so the answer is stable). */
export function concatStrategy(): MergeStrategy {
  return {
    firstWins: false,
    check: expectArray,
    merge: (answers) => answers.flatMap(({ value }) => value as unknown[]),
  };
}
