/**
 * The generic cell rate algorithm (ATM Forum TM 4.0; the scheme of
 * redis-cell and of Envoy's and Cloudflare's limiters): a key holds one
 * number, its theoretical arrival time (TAT). A request at `now` is
 * admitted when the TAT it would push out stays within `capacity`
 * emission intervals of now — so over any time W at most rate × W + burst
 * requests get through, with no window edges to game. A key whose TAT is
 * past holds nothing a fresh key would not: it can be forgotten.
 *
 * The same arithmetic runs in padda (the local store) and in Redis (the
 * shared store's script, redis-script.ts).
 */
export interface Limit {
  /** ms between two requests at the steady rate (the emission interval). */
  readonly interval: number;
  /** Requests that may arrive at once: the bucket's size. */
  readonly burst: number;
}

/** What one decision found: the key's new TAT (unchanged when refused), and the answer fields' numbers. */
export interface Verdict {
  admitted: boolean;
  /** Requests that would still be admitted right now. */
  remaining: number;
  /** ms until the bucket is full again (X-RateLimit-Reset, RateLimit t=). */
  reset: number;
  /** When refused, ms until one more request would be admitted (Retry-After); else 0. */
  retryAfter: number;
}

/**
 * Decides one request of `cost` for a key whose TAT is `tat` (0 or anything
 * past for a fresh key) at `now`; returns the key's TAT afterwards (unchanged
 * when refused), writing the verdict into `out`.
 */
export function decide(limit: Limit, tat: number, now: number, cost: number, out: Verdict): number {
  const start = tat > now ? tat : now;
  const next = start + limit.interval * cost;
  const admitted = next - now <= limit.interval * limit.burst;
  const after = admitted ? next : start;
  describe(limit, admitted, after - now, cost, out);
  return admitted ? next : tat;
}

/**
 * The verdict's numbers from how far the key's TAT lies ahead of now after
 * the decision (`ahead`, ms): what the Redis script answers, so the shared
 * store's verdicts read as the local one's.
 */
export function describe(limit: Limit, admitted: boolean, ahead: number, cost: number, out: Verdict): void {
  const window = limit.interval * limit.burst;
  const lead = ahead > 0 ? ahead : 0;
  out.admitted = admitted;
  out.remaining = Math.max(0, Math.floor((window - lead) / limit.interval));
  out.reset = lead;
  out.retryAfter = admitted ? 0 : Math.max(0, lead + limit.interval * cost - window);
}
