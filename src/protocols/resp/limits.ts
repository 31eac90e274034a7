/**
 * Per-client request limits. The defaults are redis-server 7.0's, so a client
 * that works against Redis works through padda, and padda refuses exactly what
 * Redis would refuse (with the same error text).
 */
export interface RequestLimits {
  /** Largest `$<len>` bulk argument (redis `proto-max-bulk-len`, 512 MB). */
  readonly maxBulkLength: number;
  /** Largest `*<count>` argument count (redis 7: INT_MAX; redis <= 6.2 used 1024*1024). */
  readonly maxMultibulkLength: number;
  /**
   * Bytes the scanner waits for a line end before it gives up (redis
   * PROTO_INLINE_MAX_SIZE, 64 KB): an inline command, or a `*`/`$` header line.
   */
  readonly maxInlineLength: number;
  /**
   * Largest incomplete command padda keeps buffered for one client (redis
   * `client-query-buffer-limit`, 1 GB). Redis counts only its unparsed bytes,
   * padda the whole incomplete command, because it forwards commands whole,
   * and 8 bytes per argument for its offsets.
   * At most 2^31 - 1, the range of the scanner's offsets.
   */
  readonly maxQueryBuffer: number;
}

export const REDIS_DEFAULT_LIMITS: RequestLimits = Object.freeze({
  maxBulkLength: 512 * 1024 * 1024,
  maxMultibulkLength: 2 ** 31 - 1,
  maxInlineLength: 64 * 1024,
  maxQueryBuffer: 1024 * 1024 * 1024,
});

/** Limits redis applies while a password is required and the client has not authenticated yet. */
export const UNAUTHENTICATED_MAX_MULTIBULK_LENGTH = 10;
export const UNAUTHENTICATED_MAX_BULK_LENGTH = 16384;

/** Limits requestLimits made: passed to it again, they are taken as they are, so many scanners share one object. */
const MADE = new WeakSet<RequestLimits>();

export function requestLimits(overrides: Partial<RequestLimits> = {}): RequestLimits {
  if (MADE.has(overrides as RequestLimits)) return overrides as RequestLimits;
  const limits = { ...REDIS_DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (limits.maxQueryBuffer > 2 ** 31 - 1) throw new RangeError(`maxQueryBuffer must be at most 2^31 - 1, got ${limits.maxQueryBuffer}`);
  const frozen = Object.freeze(limits);
  MADE.add(frozen);
  return frozen;
}
