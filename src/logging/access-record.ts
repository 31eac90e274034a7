import type { MessageHead } from '../protocols/http1/message-head.ts';

/**
 * What one HTTP request's access line says, filled in as the request goes
 * by the stage that knows each fact: the client side (status, bytes, the
 * client leaving), the proxy core (upstream, its time, padda's own error),
 * the mode (shard, variant, leaves and hedges, cache, rate limit). The
 * client side makes one only for a request its listener's access log will
 * consider (sampling is decided then), and hangs it on the request as
 * `request.access`; every other stage tests that for null, so a listener
 * without an access log pays one comparison per stage and nothing more.
 */
export class AccessRecord {
  /** When the request head was complete (epoch ms): the JSON line's time. */
  readonly time: number;
  /** The same instant by performance.now(), for the duration. */
  readonly started: number;
  /** The request head, read for the request line, referer and user agent only when a line is written. */
  readonly head: MessageHead;
  /** The client's address (no port). */
  readonly client: string;
  readonly http2: boolean;
  /** The status the client got; 499 (nginx's) when it left before an answer began. */
  status = 0;
  /** Request body bytes received. */
  bytesIn = 0;
  /** Answer body bytes sent (nginx's $body_bytes_sent). */
  bytesOut = 0;
  /** The upstream the request was last sent to, as configured; null when padda answered it itself. */
  upstream: string | null = null;
  /** performance.now() when it was given to that upstream (to its connection pool). */
  upstreamSent = 0;
  /** ms from then to the answer's head, the connection's queue and connect included (nginx's $upstream_header_time); -1 when no head came. */
  upstreamMs = -1;
  /** The x-request-id the request went upstream with. */
  requestId: string | null = null;
  /** Why padda answered with its own error or cut the answer (its x-padda-error reason); `client_closed` when the client left first. */
  error: string | null = null;

  // The mode's own facts; null (or -1) where the mode has none.
  /** shard-router: the shard that owns the request's key. */
  shard: string | null = null;
  /** split: the variant that served it. */
  variant: string | null = null;
  /** scatter-gather: the leaves asked. */
  leaves = -1;
  /** scatter-gather: the hedged requests sent. */
  hedges = -1;
  /** `cache:`: the cache's verdict on the request (hit, miss, stale, bypass, …). */
  cache: string | null = null;
  /** `rate_limit:`: the limiter's decision (pass, limited, …). */
  rateLimit: string | null = null;

  constructor(head: MessageHead, client: string, http2: boolean) {
    this.time = Date.now();
    this.started = performance.now();
    this.head = head;
    this.client = client;
    this.http2 = http2;
  }

  /** The request (an attempt of it) is given to `upstream` now. */
  sentUpstream(upstream: string): void {
    this.upstream = upstream;
    this.upstreamSent = performance.now();
    this.upstreamMs = -1;
  }

  /** The upstream's answer head arrived. */
  upstreamAnswered(): void {
    this.upstreamMs = performance.now() - this.upstreamSent;
  }

  /** padda answered it itself: `fields` are its flat [name, value, …] pairs, whose x-padda-error names why. */
  answered(status: number, fields: readonly string[], bodyBytes: number): void {
    this.status = status;
    this.bytesOut += bodyBytes;
    for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'x-padda-error') this.error = fields[i + 1]!;
  }

  /** The client left before its answer was complete: nginx's 499 when none had begun. */
  clientLeft(): void {
    if (this.status === 0) this.status = 499;
    this.error ??= 'client_closed';
  }

  /** `HTTP/1.1`, `HTTP/1.0`, `HTTP/2.0`, as nginx's $server_protocol. */
  get protocol(): string {
    return this.http2 ? 'HTTP/2.0' : this.head.minor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
  }
}
