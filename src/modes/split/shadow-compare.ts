import { createHash, type Hash } from 'node:crypto';
import type { Counter, Registry } from '../../metrics/registry.ts';

/** One side's answer: its status (0 if none came) and the SHA-1 of its body, null when it did not arrive in full. */
export interface Answer {
  status: number;
  digest: string | null;
}

/** A mirrored request waiting for both answers. */
export class ShadowRecord {
  readonly method: string;
  readonly uri: string;
  primary: Answer | null = null;
  shadow: Answer | null = null;
  /** The copy was dropped before it went out: nothing to compare. */
  abandoned = false;
  /** The primary body's digest, fed as it streams to the client. */
  readonly primaryHash: Hash = createHash('sha1');

  constructor(method: string, uri: string) {
    this.method = method;
    this.uri = uri;
  }
}

const RESULTS = ['match', 'status_differs', 'body_differs', 'primary_failed', 'shadow_failed'] as const;
type Result = (typeof RESULTS)[number];

/**
 * Compares each mirrored request's two answers — the one the client got and
 * the shadow's — by status and body digest, once both are in: what
 * mirroring is for (does the new version answer like the old one?). Counts
 * every outcome, and keeps the first few differing requests for /stats.
 */
export class ShadowComparison {
  private readonly counters: Record<Result, Counter>;
  private readonly keep: number;
  private readonly differences: Record<string, unknown>[] = [];

  constructor(registry: Registry, listener: string, keep: number) {
    this.keep = keep;
    const help = 'Mirrored requests by how the shadow\'s answer compared with the primary\'s (status, then body digest).';
    this.counters = Object.fromEntries(RESULTS.map((result) =>
      [result, registry.counter('padda_split_mirror_compared_total', help, { listener, result })])) as Record<Result, Counter>;
  }

  primaryDone(record: ShadowRecord, status: number, complete: boolean): void {
    if (record.abandoned) return;
    record.primary = { status, digest: complete ? record.primaryHash.digest('hex') : null };
    if (record.shadow !== null) this.settle(record);
  }

  shadowDone(record: ShadowRecord, answer: Answer): void {
    record.shadow = answer;
    if (record.primary !== null) this.settle(record);
  }

  stats(): Record<string, unknown> {
    return {
      ...Object.fromEntries(RESULTS.map((result) => [result, this.counters[result].value])),
      differences: this.differences,
    };
  }

  private settle(record: ShadowRecord): void {
    const primary = record.primary!;
    const shadow = record.shadow!;
    const result: Result = primary.digest === null ? 'primary_failed'
      : shadow.digest === null ? 'shadow_failed'
        : primary.status !== shadow.status ? 'status_differs'
          : primary.digest !== shadow.digest ? 'body_differs' : 'match';
    this.counters[result].value++;
    if ((result === 'status_differs' || result === 'body_differs') && this.differences.length < this.keep) {
      this.differences.push({ result, method: record.method, uri: record.uri, primary, shadow });
    }
  }
}
