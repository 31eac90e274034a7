/** Leaves missing for these reasons ran out of time: without quorum, the root answers 504 instead of 503. */
const TIMEOUTS = new Set(['deadline', 'leaf_timeout', 'upstream_connect_timeout']);

export interface MissingLeaf {
  name: string;
  /** Why it has no answer; null when it was cancelled because the request was settled without it. */
  reason: string | null;
}

/**
 * How many leaves must answer: all that were asked, or `partial.min_leaves`
 * of them (never more than were asked: a term-split query with two terms
 * asks two leaves), or one for strategies where the first answer wins.
 */
export function requiredLeaves(minLeaves: number | null, firstWins: boolean, asked: number): number {
  if (firstWins) return Math.min(1, asked);
  return minLeaves === null ? asked : Math.min(minLeaves, asked);
}

/** The root's answer when too few leaves answered: 504 if time ran out for one of them, else 503, naming every missing leaf and why. */
export function noQuorum(answered: number, asked: number, required: number, missing: readonly MissingLeaf[]): { status: number; reason: string; message: string } {
  const timedOut = missing.some((leaf) => leaf.reason !== null && TIMEOUTS.has(leaf.reason));
  const why = missing.map((leaf) => `${leaf.name} ${leaf.reason ?? 'cancelled'}`).join(', ');
  return {
    status: timedOut ? 504 : 503,
    reason: 'no_quorum',
    message: `${answered} of ${asked} leaves answered, ${required} needed; missing: ${why}`,
  };
}
