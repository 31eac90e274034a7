import { z } from 'zod';
import { byteSize } from '../config/values.ts';

/**
 * The config keys bounding one client of a sharding listener, declared once
 * for both protocols; each mode picks its in-flight default (a Redis
 * pipeline's replies are larger, on average, than a memcache one's).
 */
export function clientLimitKeys(defaults: { maxInflight: number }) {
  return {
    client_output_limit: byteSize
      .default(32 * 1024 * 1024)
      .describe('Replies a client may leave unread (or that wait behind a slow one): past half, padda stops reading its requests; past all, it closes the client (like redis client-output-buffer-limit). 0 lifts it.'),
    client_max_inflight: z
      .number()
      .int()
      .min(1)
      .default(defaults.maxInflight)
      .describe('Requests one client may have in flight before padda stops reading it; it reads again once half are answered.'),
  };
}

export interface SessionLimits {
  /** Bytes of unread replies: past half, reading pauses; past all, the client is cut. */
  outputLimit: number;
  maxInflight: number;
}

export function sessionLimits(config: { client_output_limit: number; client_max_inflight: number }): SessionLimits {
  return {
    // 0 lifts the limit.
    outputLimit: config.client_output_limit || Number.POSITIVE_INFINITY,
    maxInflight: config.client_max_inflight,
  };
}
