/**
 * COMMAND INFO flags as bits, so the hot path tests `command.flags & WRITE`
 * instead of searching a string list. Names are Redis 7.0's; a flag a newer
 * server adds stays readable in `command.info.flags` until it gets a bit here.
 */
export const CommandFlag = {
  WRITE: 1 << 0,
  READONLY: 1 << 1,
  DENYOOM: 1 << 2,
  ADMIN: 1 << 3,
  PUBSUB: 1 << 4,
  NOSCRIPT: 1 << 5,
  BLOCKING: 1 << 6,
  LOADING: 1 << 7,
  STALE: 1 << 8,
  SKIP_MONITOR: 1 << 9,
  SKIP_SLOWLOG: 1 << 10,
  ASKING: 1 << 11,
  FAST: 1 << 12,
  NO_AUTH: 1 << 13,
  MAY_REPLICATE: 1 << 14,
  NO_MANDATORY_KEYS: 1 << 15,
  NO_ASYNC_LOADING: 1 << 16,
  NO_MULTI: 1 << 17,
  MOVABLEKEYS: 1 << 18,
  ALLOW_BUSY: 1 << 19,
} as const;

export function flagBits(names: readonly string[]): number {
  let bits = 0;
  for (const name of names) bits |= (CommandFlag as Record<string, number>)[name.toUpperCase()] ?? 0;
  return bits;
}
