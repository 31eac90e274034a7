import type { Verdict } from './gcra.ts';
import type { Bucket } from './rules.ts';

/** What a request's answer tells about its limit: the bucket closest to its limit, and its numbers. */
export interface Admission {
  bucket: Bucket;
  remaining: number;
  /** ms until the bucket is full again. */
  reset: number;
}

/**
 * The limit's answer fields: GitHub's X-RateLimit-Limit/-Remaining/-Reset
 * (the reset as seconds from now, not an epoch: clocks of clients differ)
 * and the IETF draft's structured fields (draft-ietf-httpapi-ratelimit-
 * headers-09 §3, §4): RateLimit-Policy names the rule's quota and window,
 * RateLimit its remaining requests and seconds to reset.
 */
export function addLimitFields(fields: string[], bucket: Bucket, remaining: number, reset: number): void {
  const seconds = Math.ceil(reset / 1000);
  fields.push(
    'x-ratelimit-limit', String(bucket.rate.count),
    'x-ratelimit-remaining', String(remaining),
    'x-ratelimit-reset', String(seconds),
    'ratelimit-policy', `"${bucket.rule}";q=${bucket.rate.count};w=${bucket.rate.window / 1000}`,
    'ratelimit', `"${bucket.rule}";r=${remaining};t=${seconds}`,
  );
}

/** The fields of a 429: the limit's, and Retry-After in whole seconds (RFC 9110 §10.2.3), never 0. */
export function limitedFields(bucket: Bucket, verdict: Verdict): string[] {
  const fields = ['content-type', 'text/plain; charset=utf-8', 'x-padda-error', 'rate_limited', 'retry-after', String(Math.max(1, Math.ceil(verdict.retryAfter / 1000)))];
  addLimitFields(fields, bucket, verdict.remaining, verdict.reset);
  return fields;
}
