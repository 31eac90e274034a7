import { createHash, type Hash } from 'node:crypto';
import type net from 'node:net';
import { RESPONSE_TIMEOUT, type Failure } from '../../http/errors.ts';
import { upstreamHead, upstreamHost } from '../../http/forward/upstream-head.ts';
import type { HttpRequest } from '../../http/message.ts';
import type { Origin } from '../../http/upstream/origin.ts';
import type { Replica } from '../../http/upstream/replica.ts';
import type { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { UpstreamConnection, UpstreamHandler } from '../../http/upstream/upstream-connection.ts';
import type { Counter, Registry } from '../../metrics/registry.ts';
import { deadlines, type Expiring } from '../../net/deadlines.ts';
import { CHUNKED, LENGTH, NO_BODY } from '../../protocols/http1/message-head.ts';
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
  readonly config: MirrorConfig;
  readonly comparison: ShadowComparison | null;
  readonly preserveHost: boolean;
  private readonly target: ReplicaSet<Origin>;
  private readonly threshold: number;
  private readonly outcomes: Record<Outcome, Counter>;
  inFlight = 0;

  constructor(config: MirrorConfig, target: ReplicaSet<Origin>, targetVariant: number, comparison: ShadowComparison | null, preserveHost: boolean, registry: Registry, listener: string) {
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
  wants(request: HttpRequest, variant: number): boolean {
    return variant !== this.targetVariant && keyBucket(request.target) < this.threshold;
  }

  /** The request's copy, sent now (no body) or once its body is in; null when it is not copied. */
  copy(request: HttpRequest): ShadowCopy | null {
    if (this.inFlight >= this.config.max_concurrency) return this.drop('dropped_concurrency');
    if (request.body === LENGTH && request.head.contentLength > this.config.max_body) return this.drop('dropped_body');
    const path = request.path();
    if (path === null) return null;
    const replica = this.target.pick();
    if (replica === null) return this.drop('dropped_no_replica');
    this.inFlight++;
    const copy = new ShadowCopy(this, replica, request, path, this.comparison === null ? null : new ShadowRecord(request.method, request.target));
    if (request.body === NO_BODY) copy.send();
    return copy;
  }

  /** One copy is over: answered in full (`failure` null), or not. */
  ended(replica: Replica<Origin>, status: number, failure: Failure | null, record: ShadowRecord | null, digest: string | null): void {
    this.inFlight--;
    // A shadow's 5xx is what comparing is for: it does not eject the target (failing to answer does).
    if (failure === null && status >= 500) replica.releaseUnjudged();
    else replica.settle(status, failure);
    this.outcomes[failure === null ? 'sent' : 'failed'].value++;
    if (record !== null) this.comparison!.shadowDone(record, { status, digest: failure === null ? digest : null });
  }

  /** A copy gave up before it went out. */
  abandoned(outcome: Outcome): void {
    this.inFlight--;
    this.drop(outcome);
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

// Where a copy stands.
const COLLECTING = 0;
const SENT = 1;
const OVER = 2;

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/**
 * One shadow copy: it keeps the request body's bytes as the primary streams
 * them, then sends the whole request on its replica's pool and reads (and,
 * to compare, digests) the answer; within `timeout`, or it is abandoned.
 */
export class ShadowCopy implements UpstreamHandler, Expiring {
  deadline = 0;
  deadlineSlot = -1;
  readonly method: string;
  readonly upgrading = false;
  readonly record: ShadowRecord | null;
  private readonly mirror: Mirror;
  private readonly replica: Replica<Origin>;
  private readonly request: HttpRequest;
  private readonly path: string;
  private state = COLLECTING;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private connection: UpstreamConnection | null = null;
  private hash: Hash | null = null;
  private status = 0;

  constructor(mirror: Mirror, replica: Replica<Origin>, request: HttpRequest, path: string, record: ShadowRecord | null) {
    this.mirror = mirror;
    this.replica = replica;
    this.request = request;
    this.path = path;
    this.method = request.method;
    this.record = record;
  }

  /** A chunk of the request body, kept until it is complete (up to max_body). */
  collect(chunk: Buffer): void {
    if (this.state !== COLLECTING) return;
    this.bytes += chunk.length;
    if (this.bytes > this.mirror.config.max_body) this.give('dropped_body');
    else this.chunks.push(chunk);
  }

  /** The request is complete: the copy goes out. */
  send(): void {
    if (this.state !== COLLECTING) return;
    this.state = SENT;
    this.deadline = deadlines.now + this.mirror.config.timeout;
    deadlines.track(this);
    this.replica.origin.pool.acquire(this);
  }

  /** The primary exchange ended before the body was complete: the copy never goes out. */
  drop(): void {
    if (this.state === COLLECTING) this.give('dropped_client_gone');
  }

  opening(connection: UpstreamConnection): void {
    this.connection = connection;
  }

  connected(connection: UpstreamConnection): void {
    if (this.state !== SENT) {
      connection.giveBack();
      return;
    }
    this.connection = connection;
    const request = this.request;
    const chunked = request.body === CHUNKED;
    let host = upstreamHost(request, request.authority(), this.replica.origin.host, this.mirror.preserveHost);
    if (this.mirror.config.shadow_host) host = shadowHost(host);
    connection.socket.cork();
    connection.write(upstreamHead(request, this.path, request.authority(), host, '', false, chunked, false));
    if (chunked && this.bytes > 0) connection.write(`${this.bytes.toString(16)}\r\n`);
    for (const chunk of this.chunks) connection.write(chunk);
    if (chunked) connection.write(this.bytes > 0 ? Buffer.concat([CRLF, LAST_CHUNK]) : LAST_CHUNK);
    connection.socket.uncork();
    this.chunks = [];
    connection.requestSent();
  }

  connectFailed(failure: Failure): void {
    this.connection = null;
    this.finish(failure);
  }

  responseHead(head: { status: number }): void {
    this.status = head.status;
    if (this.record !== null) this.hash = createHash('sha1');
  }

  responseData(chunk: Buffer): void {
    this.hash?.update(chunk);
  }

  responseEnd(): void {
    this.connection = null;
    this.finish(null);
  }

  upstreamFailed(failure: Failure): void {
    this.connection = null;
    this.finish(failure);
  }

  switched(_head: unknown, socket: net.Socket): void {
    socket.destroy();
  }

  upstreamDrained(): void {}

  readDone(): void {}

  expire(): void {
    if (this.state !== SENT) return;
    const connection = this.connection;
    this.connection = null;
    if (connection === null) this.replica.origin.pool.abandon(this, null);
    else if (connection.connecting) this.replica.origin.pool.abandon(this, connection);
    else connection.destroy();
    this.finish(RESPONSE_TIMEOUT);
  }

  private give(outcome: Outcome): void {
    this.state = OVER;
    this.chunks = [];
    this.replica.releaseUnjudged();
    if (this.record !== null) this.record.abandoned = true;
    this.mirror.abandoned(outcome);
  }

  private finish(failure: Failure | null): void {
    if (this.state !== SENT) return;
    this.state = OVER;
    deadlines.untrack(this);
    this.mirror.ended(this.replica, this.status, failure, this.record, failure === null ? this.hash?.digest('hex') ?? null : null);
  }
}
