import { NO_UPSTREAM } from '../../http/errors.ts';
import type { Replica } from '../../http/upstream/replica.ts';
import type { LeafOrigin } from './leaf-origin.ts';
import type { Gather } from './gather.ts';
import type { Leaf } from './leaf.ts';
import { LeafAttempt } from './leaf-attempt.ts';

// Where a leaf's part of one root request is.
export const PENDING = 0;
export const ANSWERED = 1;
export const FAILED = 2;

/**
 * Failures worth another replica (up to `retries`): nothing reached the
 * leaf, or it passed leaf_timeout — a query, safe to send again as hedges are.
 * A leaf that answered badly is not asked again: its replicas share its data.
 */
const RETRIED = new Set(['upstream_connect_refused', 'upstream_connect_timeout', 'upstream_unresolved', 'upstream_unreachable', 'leaf_timeout']);

/**
 * One leaf's part of one root request: its first attempt, then possibly a
 * retry (when an attempt failed before reaching the leaf) or hedges (when
 * the attempts in flight are slow). The first good answer settles the call
 * and cancels the other attempts; the call fails when its last attempt does.
 */
export class LeafCall {
  readonly gather: Gather;
  readonly leaf: Leaf;
  readonly target: string;
  state = PENDING;
  value: unknown = undefined;
  /** Why the call failed; null unless FAILED. */
  reason: string | null = null;
  /** Attempts in flight (usually one). */
  attempts: LeafAttempt[] = [];
  /** When the next hedge is due (performance.now() ms); Infinity when none is. */
  hedgeAt = Infinity;
  /** Hedged attempts sent. */
  hedges = 0;
  private retries = 0;
  private denied = false;

  constructor(gather: Gather, leaf: Leaf, target: string) {
    this.gather = gather;
    this.leaf = leaf;
    this.target = target;
  }

  start(now: number): void {
    const hedging = this.gather.root.hedging;
    if (hedging !== null) {
      hedging.sent();
      if (this.leaf.hedgeable) this.hedgeAt = now + hedging.delay(this.leaf.window);
      this.gather.arm(this.hedgeAt);
    }
    this.attempt(null, false, now);
  }

  /** The hedge timer came due: race the attempts in flight on another replica, if one is up and the budget allows. */
  hedge(now: number): void {
    const hedging = this.gather.root.hedging!;
    // With one replica up there is no other to race: asked again shortly, as when the budget is spent
    // (the stragglers that matter are the ones still waiting when a replica or tokens come back).
    const again = now + Math.max(1, hedging.delay(this.leaf.window) / 4);
    if (this.leaf.replicas.availableCount < 2) {
      this.hedgeAt = again;
      return;
    }
    if (!hedging.afford()) {
      if (!this.denied) this.gather.root.metrics.hedgesDenied.value++;
      this.denied = true;
      this.hedgeAt = again;
      return;
    }
    this.hedges++;
    this.gather.root.metrics.hedges.value++;
    this.hedgeAt = this.hedges < hedging.maxPerLeaf ? now + hedging.delay(this.leaf.window) : Infinity;
    this.attempt(this.attempts.at(-1)?.replica ?? null, true, now);
  }

  answered(attempt: LeafAttempt, value: unknown): void {
    this.remove(attempt);
    if (this.state !== PENDING) return;
    const root = this.gather.root;
    this.state = ANSWERED;
    this.value = value;
    this.hedgeAt = Infinity;
    this.leaf.answered(performance.now() - attempt.started);
    if (attempt.hedge) root.metrics.hedgesWon.value++;
    this.cancel('client_closed');
    this.gather.settled(this);
  }

  failed(attempt: LeafAttempt, reason: string): void {
    this.remove(attempt);
    if (this.state !== PENDING) return;
    this.leaf.failed(reason);
    // Another attempt may still answer.
    if (this.attempts.length > 0) return;
    const root = this.gather.root;
    if (RETRIED.has(reason) && this.retries < root.retries) {
      this.retries++;
      this.attempt(attempt.replica, false, performance.now());
      return;
    }
    this.fail(reason);
  }

  /** Cancels every attempt in flight; `reason` tells their replicas why (client_closed does not count against them). */
  cancel(reason: string): void {
    const attempts = this.attempts;
    if (attempts.length === 0) return;
    this.attempts = [];
    this.gather.root.metrics.cancelled.value += attempts.length;
    for (const attempt of attempts) attempt.cancel(reason);
  }

  /** The deadline passed with this leaf still out. */
  abandon(): void {
    this.cancel('deadline');
    this.leaf.failed('deadline');
    this.fail('deadline');
  }

  private attempt(avoid: Replica<LeafOrigin> | null, hedge: boolean, now: number): void {
    const replica = this.leaf.replicas.pick(avoid);
    if (replica === null) {
      if (this.attempts.length === 0) this.fail(NO_UPSTREAM.reason);
      return;
    }
    const attempt = new LeafAttempt(this, replica, hedge, now);
    this.attempts.push(attempt);
    this.gather.root.metrics.leafRequests.value++;
    this.gather.attemptStarted(now);
    attempt.send();
  }

  private fail(reason: string): void {
    this.state = FAILED;
    this.reason = reason;
    this.hedgeAt = Infinity;
    this.gather.settled(this);
  }

  private remove(attempt: LeafAttempt): void {
    const i = this.attempts.indexOf(attempt);
    if (i >= 0) this.attempts.splice(i, 1);
  }
}
