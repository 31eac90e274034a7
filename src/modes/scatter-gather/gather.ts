import type { ClientResponse, ResponseOwner } from '../../http/message.ts';
import type { AccessRecord } from '../../logging/access-record.ts';
import { ANSWERED, LeafCall, PENDING } from './leaf-call.ts';
import { placeAt } from './merge/json-path.ts';
import type { LeafValue } from './merge/strategy.ts';
import { noQuorum, requiredLeaves, type MissingLeaf } from './quorum.ts';
import type { ScatterGatherRoot } from './root.ts';

// Where a root request is: reading the client's body, waiting for leaves, or answered (or abandoned).
const READING = 0;
const SCATTERED = 1;
const DONE = 2;

/**
 * One client request at the root: its leaf calls, the quorum they must
 * reach, and one timer for everything time-driven — the deadline, each
 * attempt's leaf_timeout and each leaf's next hedge — re-armed for the
 * earliest of them, so a fan-out of 100 costs one timer, not 200. It
 * answers as soon as the outcome is known: every leaf settled, the first
 * answer for `first`, or the quorum out of reach.
 */
export class Gather implements ResponseOwner {
  readonly root: ScatterGatherRoot;
  /** Request headers for every leaf, built once by the shared header hygiene (x-forwarded-*, x-request-id). */
  readonly headers: string[];
  readonly leafMethod: string;
  body: Buffer | null = null;
  private readonly response: ClientResponse;
  /** The request's access-log record, told the leaves asked and the hedges sent; null without one. */
  private readonly access: AccessRecord | null;
  private readonly requestId: string;
  private readonly started: number;
  private readonly deadlineAt: number;
  private calls: LeafCall[] = [];
  private required = 0;
  private answered = 0;
  private failed = 0;
  private state = READING;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(root: ScatterGatherRoot, access: AccessRecord | null, method: string, response: ClientResponse, headers: string[], requestId: string, started: number) {
    this.root = root;
    this.access = access;
    this.headers = headers;
    // A HEAD's answer is a GET's without the body, and a leaf answering HEAD has no JSON to merge.
    this.leafMethod = method === 'HEAD' ? 'GET' : method;
    this.response = response;
    this.requestId = requestId;
    this.started = started;
    this.deadlineAt = started + root.deadline;
    response.attach(this);
    this.arm(this.deadlineAt);
  }

  /** Sends each leaf its target (null: the leaf has nothing to do for this request). */
  scatter(targets: readonly (string | null)[], body: Buffer | null): void {
    if (this.state !== READING) return;
    this.state = SCATTERED;
    this.body = body;
    const leaves = this.root.leaves;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      if (target !== null && target !== undefined) this.calls.push(new LeafCall(this, leaves[i]!, target));
    }
    this.required = requiredLeaves(this.root.minLeaves, this.root.strategy.firstWins, this.calls.length);
    const now = performance.now();
    for (const call of this.calls) {
      if (this.state !== SCATTERED) break;
      call.start(now);
    }
  }

  /** A leaf call answered or failed. */
  settled(call: LeafCall): void {
    if (this.state !== SCATTERED) return;
    if (call.state === ANSWERED) this.answered++;
    else this.failed++;
    const asked = this.calls.length;
    const firstDone = this.root.strategy.firstWins && this.answered > 0;
    if (firstDone || this.answered + this.failed === asked || asked - this.failed < this.required) this.conclude();
  }

  /** An attempt was sent at `now`: its leaf_timeout may be the next thing due. */
  attemptStarted(now: number): void {
    if (this.root.leafTimeout > 0) this.arm(now + this.root.leafTimeout);
  }

  /** Makes sure the timer fires by `at` (performance.now() ms), e.g. for a leaf's first hedge. */
  arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(onTimer, Math.max(0, Math.ceil(at - performance.now())), this);
  }

  /** Answers with padda's own error before any leaf was asked (bad request, body too large or too slow). */
  refuse(status: number, reason: string, message: string): void {
    if (this.state === DONE) return;
    this.finish();
    this.root.refused(this.response, status, reason, message, this.requestId, this.started);
  }

  private conclude(): void {
    this.finish();
    const good: LeafValue[] = [];
    const missing: MissingLeaf[] = [];
    for (const call of this.calls) {
      if (call.state === ANSWERED) good.push({ leaf: call.leaf.name, value: call.value });
      else missing.push({ name: call.leaf.name, reason: call.reason });
    }
    if (good.length < this.required) {
      const answer = noQuorum(good.length, this.calls.length, this.required, missing);
      this.root.refused(this.response, answer.status, answer.reason, answer.message, this.requestId, this.started);
      return;
    }
    // With `first`, the leaves cancelled once one answered are not missing from the answer.
    const partial = this.root.strategy.firstWins ? [] : missing.map((leaf) => leaf.name);
    let body: string;
    try {
      body = JSON.stringify(placeAt(this.root.pathKeys, this.root.strategy.merge(good, partial)));
    } catch (error) {
      this.root.refused(this.response, 502, 'merge_failed', `the leaves' answers could not be merged: ${(error as Error).message}`, this.requestId, this.started);
      return;
    }
    const headers = ['content-type', 'application/json'];
    if (this.requestId !== '') headers.push('x-request-id', this.requestId);
    if (partial.length > 0) headers.push('x-padda-partial', partial.join(','));
    this.response.answer(200, headers, body);
    this.root.answered(partial.length > 0, this.started);
  }

  /** Stops the clock and cancels what is still out. */
  private finish(): void {
    this.state = DONE;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const call of this.calls) if (call.state === PENDING) call.cancel('client_closed');
    const access = this.access;
    if (access !== null && this.calls.length > 0) {
      access.leaves = this.calls.length;
      let hedges = 0;
      for (const call of this.calls) hedges += call.hedges;
      access.hedges = hedges;
    }
  }

  /** The answer is written whole, at once: nothing waits for drain. */
  drained(): void {}

  clientClosed(): void {
    if (this.state === DONE) return;
    this.finish();
    this.root.abandoned();
  }

  /** Whatever came due: the deadline, leaf timeouts, hedges; then the timer is set for the next one. */
  tick(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = performance.now();
    if (this.state === READING) {
      if (now >= this.deadlineAt) this.refuse(408, 'client_body_timeout', 'the request body did not arrive before the deadline');
      else this.arm(this.deadlineAt);
      return;
    }
    if (this.state !== SCATTERED) return;
    if (now >= this.deadlineAt) {
      for (const call of this.calls) {
        if (this.state !== SCATTERED) return;
        if (call.state === PENDING) call.abandon();
      }
      return;
    }
    let next = this.deadlineAt;
    const leafTimeout = this.root.leafTimeout;
    for (const call of this.calls) {
      if (call.state !== PENDING) continue;
      if (leafTimeout > 0) {
        for (const attempt of call.attempts.slice()) {
          const due = attempt.started + leafTimeout;
          if (due <= now) attempt.timedOut();
          else if (due < next) next = due;
        }
      }
      if (this.state !== SCATTERED) return;
      if (call.state === PENDING && call.hedgeAt <= now) call.hedge(now);
      if (call.state === PENDING && call.hedgeAt < next) next = call.hedgeAt;
    }
    if (this.state === SCATTERED) this.arm(next);
  }
}

function onTimer(gather: Gather): void {
  gather.tick();
}
