import type { Logger } from '../../log.ts';
import type { Counter, Gauge, Registry } from '../../metrics/registry.ts';
import type { GateOwner, RequestGate } from '../forward/request-gate.ts';
import type { ClientResponse, HttpRequest } from '../message.ts';
import { addLimitFields, limitedFields, type Admission } from './answer-fields.ts';
import type { Verdict } from './gcra.ts';
import { LocalStore } from './local-store.ts';
import { Rule, type Bucket } from './rules.ts';
import type { RateLimitConfig } from './schema.ts';
import { SharedStore } from './shared-store.ts';

export interface RateLimitContext {
  listener: string;
  log: Logger;
  registry: Registry;
}

const MAX_RULES = 64;

/**
 * The `rate_limit:` block of an HTTP listener, as the gate every request
 * passes before it is forwarded: each rule that matches the request puts
 * its key in one bucket (its own, or a tier's); the request goes on when
 * every bucket admits it, and gets 429 with Retry-After otherwise. Answers
 * carry the fields of the bucket closest to its limit.
 */
export class RateLimiter implements RequestGate {
  private readonly rules: readonly Rule[];
  private readonly local: LocalStore | null;
  private readonly shared: SharedStore | null;
  private readonly denyOnError: boolean;
  private readonly headers: boolean;
  private readonly log: Logger;
  // Reused for each synchronous decision; an asynchronous one takes copies.
  private readonly buckets: Bucket[] = [];
  private readonly keys: string[] = [];
  private readonly verdicts: Verdict[] = Array.from({ length: MAX_RULES }, () => ({ admitted: false, remaining: 0, reset: 0, retryAfter: 0 }));
  private readonly allowed = new Map<string, Counter>();
  private readonly limited = new Map<string, Counter>();
  private readonly keyCount: Gauge;
  private readonly storeErrors: Counter;

  constructor(config: RateLimitConfig, context: RateLimitContext) {
    this.rules = config.rules.map((r) => new Rule(r));
    this.local = config.store === 'local' ? new LocalStore(config.max_keys) : null;
    this.shared = config.store === 'local' ? null : new SharedStore(config.store, config.store_timeout, config.local_share, config.max_keys);
    this.denyOnError = config.on_store_error === 'deny';
    this.headers = config.headers;
    this.log = context.log.child({ rate_limit: config.store === 'local' ? 'local' : 'redis' });
    const labels = (rule: string, decision: string) => ({ listener: context.listener, rule, decision });
    const help = 'Requests a rate limit rule decided, by decision (allowed, limited).';
    for (const rule of this.rules) {
      this.allowed.set(rule.name, context.registry.counter('padda_rate_limit_requests_total', help, labels(rule.name, 'allowed')));
      this.limited.set(rule.name, context.registry.counter('padda_rate_limit_requests_total', help, labels(rule.name, 'limited')));
    }
    this.keyCount = context.registry.gauge('padda_rate_limit_keys', 'Keys the rate limiter holds in this process (the local store, or the shared store\'s mirror).', { listener: context.listener });
    this.storeErrors = context.registry.counter('padda_rate_limit_store_errors_total', 'Decisions the shared store failed or did not answer in time (on_store_error applied).', { listener: context.listener });
  }

  admit(request: HttpRequest, response: ClientResponse, owner: GateOwner): boolean {
    const count = this.collect(request);
    if (count === 0) return true;
    const now = performance.now();
    const { buckets, keys, verdicts } = this;
    if (this.local !== null) {
      const admitted = this.local.decide(buckets, keys, count, now, verdicts);
      this.keyCount.value = this.local.table.size;
      return this.settle(admitted, request, response, owner, buckets, count, verdicts);
    }
    const shared = this.shared!;
    if (shared.admitLocally(buckets, keys, count, now, verdicts)) {
      this.keyCount.value = shared.mirror.size;
      return this.settle(true, request, response, owner, buckets, count, verdicts);
    }
    const held = buckets.slice(0, count);
    const heldVerdicts = Array.from({ length: count }, () => ({ admitted: false, remaining: 0, reset: 0, retryAfter: 0 }));
    // Until the store answers, hear of a client that leaves, so its request is dropped rather than sent to a closed connection.
    const waiting = { gone: false, drained() {}, clientClosed() { this.gone = true; } };
    response.attach(waiting);
    shared.ask(held, keys.slice(0, count), count, heldVerdicts, (admitted) => {
      if (waiting.gone) {
        owner.abandoned();
        return;
      }
      if (admitted instanceof Error) {
        this.storeErrors.value++;
        this.log.warn({ err: admitted.message }, 'rate limit store failed');
        if (this.denyOnError) {
          response.answer(503, ['content-type', 'text/plain; charset=utf-8', 'x-padda-error', 'rate_limit_store_unavailable'], 'rate limit store unavailable\n');
          owner.refused(503, 'rate_limit_store_unavailable');
        } else {
          owner.forward(request, response);
        }
        return;
      }
      if (this.settle(admitted, request, response, owner, held, count, heldVerdicts)) owner.forward(request, response);
    });
    return false;
  }

  respond(request: HttpRequest, fields: string[]): void {
    const admission = request.admission as Admission | null;
    if (admission !== null) addLimitFields(fields, admission.bucket, admission.remaining, admission.reset);
  }

  /** The buckets and keys of the rules the request falls under, into this.buckets/keys; how many. */
  private collect(request: HttpRequest): number {
    let count = 0;
    for (const rule of this.rules) {
      const bucket = rule.bucketOf(request);
      if (bucket === null) continue;
      const key = bucket.key(request);
      // nginx limit_req: a request whose key is empty is not accounted.
      if (key === null || key === '') continue;
      this.buckets[count] = bucket;
      this.keys[count++] = bucket.prefix + key;
    }
    return count;
  }

  /** Counts the decision; true when admitted (its fields kept for the answer), else answers 429. */
  private settle(admitted: boolean, request: HttpRequest, response: ClientResponse, owner: GateOwner, buckets: readonly Bucket[], count: number, verdicts: readonly Verdict[]): boolean {
    let closest = 0;
    for (let i = 0; i < count; i++) {
      const verdict = verdicts[i]!;
      if (admitted ? verdict.remaining < verdicts[closest]!.remaining : !verdict.admitted && verdicts[closest]!.admitted) closest = i;
    }
    const bucket = buckets[closest]!;
    const verdict = verdicts[closest]!;
    if (admitted) {
      for (let i = 0; i < count; i++) this.allowed.get(buckets[i]!.rule)!.value++;
      if (this.headers) request.admission = { bucket, remaining: verdict.remaining, reset: verdict.reset } satisfies Admission;
      return true;
    }
    this.limited.get(bucket.rule)!.value++;
    response.answer(429, limitedFields(bucket, verdict), 'too many requests\n');
    owner.refused(429, 'rate_limited');
    return false;
  }
}
