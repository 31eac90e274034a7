import { z } from 'zod';
import { byteSize, duration } from '../config/values.ts';

const destination = z.string().min(1).default('stdout').describe('stdout, or a file (created with its directories; reopened on SIGUSR1).');
/** sonic-boom reads a maxLength of 0 as no bound at all: the buffer is at least a few lines. */
const MIN_BUFFER = 4096;
const buffer = byteSize.default(4 * 1024 * 1024)
  .refine((bytes) => bytes >= MIN_BUFFER, `at least ${MIN_BUFFER} bytes (lines beyond the buffer are dropped)`)
  .describe('Bytes of lines held while the disk catches up; lines beyond are dropped and counted.');

/** `access_log:` of an HTTP listener. */
export const accessLogSchema = z.strictObject({
  path: destination,
  format: z.enum(['json', 'combined']).default('json').describe('json: one object per request; combined: nginx\'s combined format.'),
  sample: z.number().min(0).max(1).default(1).describe('Fraction of requests logged.'),
  slow_only: duration.default(0).describe('Log only requests that took at least this long; 0 logs all.'),
  buffer,
});

/** `slow_log:` of a redis or memcache listener. */
export const slowLogSchema = z.strictObject({
  path: destination,
  threshold: duration.default(10).describe('Commands slower than this (from arrival to reply) are logged.'),
  keys: z.enum(['show', 'hash', 'omit']).default('show').describe('hash: a SHA-256 prefix instead of the key, to correlate without revealing it.'),
  buffer,
});

export type AccessLogConfig = z.output<typeof accessLogSchema>;
export type SlowLogConfig = z.output<typeof slowLogSchema>;
