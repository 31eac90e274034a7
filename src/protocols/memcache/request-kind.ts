/** What a scanned client request is; numbers so a proxy can switch or index tables by them. */
export const RequestKind = {
  /** Bad input: answer `reply` locally (it may be empty) and close when `close` says so. */
  invalid: 0,
  get: 1,
  gets: 2,
  gat: 3,
  gats: 4,
  set: 5,
  add: 6,
  replace: 7,
  append: 8,
  prepend: 9,
  cas: 10,
  delete: 11,
  incr: 12,
  decr: 13,
  touch: 14,
  mg: 15,
  ms: 16,
  md: 17,
  ma: 18,
  mn: 19,
  me: 20,
  version: 21,
  quit: 22,
  flushAll: 23,
  verbosity: 24,
  stats: 25,
  /** shutdown, slabs, lru, lru_crawler, watch, cache_memlimit: server administration, no key. */
  admin: 26,
} as const;
export type RequestKind = (typeof RequestKind)[keyof typeof RequestKind];

/** Names by kind, for logs and metric labels. */
export const requestKindName: readonly string[] = Object.keys(RequestKind);

/** How many replies the server sends for a request, which is what a FIFO of in-flight requests needs. */
export const Expect = {
  /** `noreply`, `quit`, or a local error: the server sends nothing. */
  none: 0,
  /** Exactly one reply: a status line, a number, `VA` with its data, or an error. */
  one: 1,
  /** `VALUE`/`STAT` lines closed by `END` (or cut short by an error line). */
  untilEnd: 2,
  /** Meta `q`: a reply only when the command fails or (mg) hits; see reply-boundary.ts. */
  quiet: 3,
} as const;
export type Expect = (typeof Expect)[keyof typeof Expect];
