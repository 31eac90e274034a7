import type { UpstreamHeadOptions } from './upstream-head.ts';

/** What the request path needs, flattened once at create() so the hot path reads plain fields. */
export interface ProxyOptions extends UpstreamHeadOptions {
  retries: number;
  /** ms from the request sent to the answer's head (0: none). */
  responseTimeout: number;
  /** ms the answer's body may stall between two chunks (0: none). */
  bodyTimeout: number;
  /** ms for the whole exchange (0: none). */
  totalTimeout: number;
  /** ms a request may wait for one of its origin's connections. */
  queueTimeout: number;
  /** Bytes of a request body held before it takes an upstream connection. */
  bodyBuffer: number;
}
