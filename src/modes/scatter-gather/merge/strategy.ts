/** One leaf's good answer: the value found at the merge path. */
export interface LeafValue {
  leaf: string;
  value: unknown;
}

/**
 * How the root combines its leaves' answers. `check` runs on each answer as
 * it arrives, so a leaf whose answer has the wrong shape counts as a failed
 * leaf (and the request may still be answered, partial); `merge` runs once,
 * on the good answers in leaf order, so the result does not depend on which
 * leaf happened to be fastest.
 */
export interface MergeStrategy {
  /** Why `value` cannot be merged (a failure reason), or null. */
  check(value: unknown): string | null;
  /** The merged value; `missing` names the leaves that did not answer well. Throws MergeError on answers that do not fit together. */
  merge(answers: readonly LeafValue[], missing: readonly string[]): unknown;
  /** The first good answer settles the request and the other leaves are cancelled. */
  readonly firstWins: boolean;
}

/** Good answers that cannot be combined; the root answers 502 merge_failed with the message. */
export class MergeError extends Error {}

export function expectArray(value: unknown): string | null {
  return Array.isArray(value) ? null : 'not_an_array';
}
