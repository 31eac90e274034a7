import type { CheckType } from '../schema.ts';

/** Facts a run found worth showing in the verbose report (a version, a role, days left on a certificate). */
export type CheckDetails = Record<string, string | number | boolean>;

/** One kind of check against one target. The runner times it, limits it and keeps its results. */
export interface Check {
  readonly type: CheckType;
  /** What is checked, as people write it: an address or a URL. */
  readonly target: string;
  /** Resolves when the target passes, rejects with why not; settles promptly once `signal` aborts. */
  run(signal: AbortSignal): Promise<CheckDetails>;
  /** Releases what the check keeps between runs. */
  close?(): void;
}

/** A run that reached the target and found it wanting; `details` still describe what was found. */
export class CheckFailure extends Error {
  readonly details: CheckDetails;
  constructor(message: string, details: CheckDetails = {}) {
    super(message);
    this.name = 'CheckFailure';
    this.details = details;
  }
}
