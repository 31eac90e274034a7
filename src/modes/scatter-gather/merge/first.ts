import type { MergeStrategy } from './strategy.ts';

/** Replicated leaves where any one answer will do: the first good one wins and the rest are cancelled. */
export function firstStrategy(): MergeStrategy {
  return {
    firstWins: true,
    check: () => null,
    merge: (answers) => answers[0]!.value,
  };
}
