import { createHash, type Hash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { classify } from '../../http/errors.ts';
import { NOT_JUDGED, type Replica } from '../../http/replica.ts';
import type { ReplicaSet } from '../../http/replica-set.ts';
import { buildRequestHead, type ProxiedRequest } from '../../http/request-head.ts';
import type { Counter, Registry } from '../../metrics/registry.ts';
import { BUCKETS, keyBucket } from './buckets.ts';
import type { MirrorConfig } from './schema.ts';
import { ShadowRecord, type ShadowComparison } from './shadow-compare.ts';

const OUTCOMES = ['sent', 'dropped_concurrency', 'dropped_body', 'dropped_no_replica', 'dropped_client_gone', 'failed'] as const;
type Outcome = (typeof OUTCOMES)[number];

/**
 * Shadow traffic: copies of a deterministic share of requests go to another
 * variant or upstream, and whatever it answers is dropped (or digested, to
 * compare). A request is copied when murmur2($request_uri) mod 10000 <
 * fraction × 10000, so every replica of a shared Deployment copies the same
 * requests. Copies are fire-and-forget on the target's own pool: the client's
 * answer and keep-alive never wait for them. At most `max_concurrency` are in
 * flight (more are dropped, never queued), and a request body is copied only
 * up to `max_body` — the primary streams it as usual while the copy keeps the
 * bytes, then goes out when the body is complete.
 */
export class Mirror {
  /** Index of the target variant, or -1 when the target is an upstream of its own. */
  readonly targetVariant: number;
  private readonly config: MirrorConfig;
  private readonly target: ReplicaSet;
  private readonly comparison: ShadowComparison | null;
  private readonly preserveHost: boolean;
  private readonly threshold: number;
  private readonly outcomes: Record<Outcome, Counter>;
  inFlight = 0;

  constructor(config: MirrorConfig, target: ReplicaSet, targetVariant: number, comparison: ShadowComparison | null, preserveHost: boolean, registry: Registry, listener: string) {
    this.config = config;
    this.target = target;
    this.targetVariant = targetVariant;
    this.comparison = comparison;
    this.preserveHost = preserveHost;
    this.threshold = Math.round(config.fraction * BUCKETS);
    const help = 'Mirrored copies of requests by outcome (sent; dropped before sending and why; failed after sending).';
    this.outcomes = Object.fromEntries(OUTCOMES.map((outcome) =>
      [outcome, registry.counter('padda_split_mirror_requests_total', help, { listener, outcome })])) as Record<Outcome, Counter>;
  }

  /** Whether this request's copy goes out: its URI hashes into the fraction, and its variant is not the target. */
  wants(request: ProxiedRequest, variant: number): boolean {
    return variant !== this.targetVariant && keyBucket(request.url!) < this.threshold;
  }

  /** Sends the copy (once the body is in, if there is one); the record to compare with, when comparing. */
  copy(request: ProxiedRequest): ShadowRecord | null {
    const path = request.url!;
    if (this.inFlight >= this.config.max_concurrency) return this.drop('dropped_concurrency');
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > this.config.max_body) return this.drop('dropped_body');
    const replica = this.target.pick();
    if (replica === null) return this.drop('dropped_no_replica');
    const head = buildRequestHead(request, null, { preserveHost: this.preserveHost, requestId: false });
    const headers = head.headers;
    if (!this.preserveHost || headers[1] === '') headers[1] = replica.origin.host;
    if (this.config.shadow_host) headers[1] = shadowHost(headers[1]!);
    const record = this.comparison === null ? null : new ShadowRecord(request.method!, path);
    const shadow = new ShadowExchange(this, replica, record);
    const options: Dispatcher.DispatchOptions = {
      path, method: request.method as Dispatcher.HttpMethod, headers,
      headersTimeout: this.config.timeout, bodyTimeout: this.config.timeout,
    };
    this.inFlight++;
    if (!head.hasBody) replica.origin.pool.dispatch(options, shadow);
    else this.afterBody(request, options, shadow);
    return record;
  }

  /** One copy is over. */
  ended(replica: Replica, status: number, reason: string | null, record: ShadowRecord | null, digest: string | null): void {
    this.inFlight--;
    // A shadow's 5xx is what comparing is for: it does not eject the target (failing to answer does).
    replica.release(status, reason === null && status >= 500 ? NOT_JUDGED : reason);
    this.outcomes[reason === null ? 'sent' : 'failed'].value++;
    if (record !== null) this.comparison!.shadowDone(record, { status, digest: reason === null ? digest : null });
  }

  stats(): Record<string, unknown> {
    return {
      to: this.config.to,
      fraction: this.config.fraction,
      in_flight: this.inFlight,
      ...Object.fromEntries(OUTCOMES.map((outcome) => [outcome, this.outcomes[outcome].value])),
      ...(this.comparison ? { compare: this.comparison.stats() } : {}),
    };
  }

  /**
   * Keeps the body's bytes as the primary streams them (a second 'data'
   * listener, paused until undici resumes the stream for the primary), and
   * sends the copy when the body is complete.
   */
  private afterBody(request: ProxiedRequest, options: Dispatcher.DispatchOptions, shadow: ShadowExchange): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const give = (outcome: Outcome) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      this.inFlight--;
      shadow.abandon();
      this.drop(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.config.max_body) give('dropped_body');
      else chunks.push(chunk);
    };
    const onEnd = () => {
      request.off('data', onData);
      request.off('close', onClose);
      shadow.replica.origin.pool.dispatch({ ...options, body: Buffer.concat(chunks, size) }, shadow);
    };
    const onClose = () => give('dropped_client_gone');
    request.on('data', onData);
    request.pause();
    request.once('end', onEnd);
    request.once('close', onClose);
  }

  private drop(outcome: Outcome): null {
    this.outcomes[outcome].value++;
    return null;
  }
}

/** `app.example:8080` → `app.example-shadow:8080`, Envoy's marking of mirrored requests. */
function shadowHost(host: string): string {
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') && colon >= 0 ? `${host.slice(0, colon)}-shadow${host.slice(colon)}` : `${host}-shadow`;
}

/** The undici handler of one copy: reads (and, to compare, digests) the answer, then tells the mirror. */
class ShadowExchange implements Dispatcher.DispatchHandler {
  readonly replica: Replica;
  private readonly mirror: Mirror;
  private readonly record: ShadowRecord | null;
  private hash: Hash | null = null;
  private status = 0;

  constructor(mirror: Mirror, replica: Replica, record: ShadowRecord | null) {
    this.mirror = mirror;
    this.replica = replica;
    this.record = record;
  }

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    if (this.record !== null) this.hash = createHash('sha1');
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.hash?.update(chunk);
  }

  onResponseEnd(): void {
    this.mirror.ended(this.replica, this.status, null, this.record, this.hash?.digest('hex') ?? null);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.mirror.ended(this.replica, this.status, classify(error).reason, this.record, null);
  }

  /** The copy never went out: give the replica back without judging it. */
  abandon(): void {
    this.replica.release(0, NOT_JUDGED);
    if (this.record !== null) this.record.abandoned = true;
  }
}
