/** What an HTTP mode knows about one request when it ends: the access log's input. */
export interface AccessRecord {
  /** When the request head arrived (epoch ms). */
  startedAt: number;
  /** The client's address (no port). */
  client: string;
  method: string;
  /** The request target as the client sent it. */
  target: string;
  /** `HTTP/1.1`, `HTTP/2.0`. */
  protocol: string;
  status: number;
  /** Request body bytes received. */
  bytesIn: number;
  /** Response body bytes sent (nginx's $body_bytes_sent). */
  bytesOut: number;
  durationMs: number;
  /** The upstream that answered, `host:port`; absent when padda answered itself. */
  upstream?: string;
  /** From sending the request upstream to the answer's head. */
  upstreamMs?: number;
  referer?: string;
  userAgent?: string;
  requestId?: string;
  /** The mode's own facts: shard, variant, cache status, rate-limit decision, hedges. */
  facts?: Readonly<Record<string, string | number | boolean>>;
}
