/** What a scanned server reply unit is. */
export const ReplyKind = {
  /** The server broke the protocol (bad VALUE line, data without `\r\n`, overlong line): drop that connection. */
  malformed: 0,
  /** `VALUE <key> <flags> <bytes> [<cas>]` and its data block: one item of get/gets/gat/gats. */
  value: 1,
  end: 2,
  /** `STAT <name> <value>`, inside a stats reply. */
  stat: 3,
  stored: 4,
  notStored: 5,
  exists: 6,
  notFound: 7,
  deleted: 8,
  touched: 9,
  ok: 10,
  /** `RESET`, the answer to `stats reset`. */
  reset: 11,
  /** The new value after incr/decr. */
  number: 12,
  error: 13,
  clientError: 14,
  serverError: 15,
  version: 16,
  /** Meta `VA <size> <flags>*` and its data block. */
  va: 17,
  hd: 18,
  en: 19,
  nf: 20,
  ns: 21,
  ex: 22,
  mn: 23,
  /** `ME <key> <k>=<v>*`, the meta debug dump. */
  me: 24,
  /** Any other line, e.g. `ITEM`/`PREFIX` lines of stats dumps. */
  line: 25,
} as const;
export type ReplyKind = (typeof ReplyKind)[keyof typeof ReplyKind];

export const replyKindName: readonly string[] = Object.keys(ReplyKind);
