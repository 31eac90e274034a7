import { z } from 'zod';
import { byteSize, duration } from '../config/values.ts';

/**
 * The config keys bounding one client of a sharding listener, declared once
 * for both protocols; each mode picks its in-flight default (a Redis
 * pipeline's replies are larger, on average, than a memcache one's).
 * The output limits are Redis's client-output-buffer-limit: a soft limit a
 * client may pass for a while (a large reply it is reading), and a hard
 * one it may not. Only the schemas import this file: the serving process
 * loads no zod (client-limits.ts holds what it reads).
 */
export function clientLimitKeys(defaults: { maxInflight: number }) {
  return {
    client_output_limit: byteSize
      .default(32 * 1024 * 1024)
      .describe('Replies a client may leave unread (or that wait behind a slow one): past half, padda stops reading its requests; a client that stays past it for client_output_limit_time is closed (redis client-output-buffer-limit\'s soft limit). 0 lifts it.'),
    client_output_limit_time: duration
      .default(10_000)
      .describe('How long a client may stay past client_output_limit, draining a large reply, before it is closed.'),
    client_output_hard_limit: byteSize
      .optional()
      .describe('Unread replies past which a client is closed at once (redis\'s hard limit). Default: four times client_output_limit; 0 (a nutcracker.yml\'s default): none.'),
    client_max_inflight: z
      .number()
      .int()
      .min(1)
      .default(defaults.maxInflight)
      .describe('Requests one client may have in flight before padda stops reading it; it reads again once half are answered.'),
  };
}
