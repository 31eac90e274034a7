import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { ArrayReplyReader, readIntegerReply } from '../../protocols/resp/reply-reader.ts';
import { arrayReply, errorReply, integerReply, OK_REPLY } from '../../protocols/resp/reply-encoder.ts';
import { FanOut, type Fragment } from '../../session/fan-out.ts';
import type { SlotOwner } from '../../session/reply-slot.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import { Kind } from './command-kind.ts';

const MINUS = 0x2d;
const MALFORMED = errorReply('ERR malformed MGET reply from server');
/** Merging runs synchronously, so one reader serves every split request. */
const READER = new ArrayReplyReader();

/**
 * A multi-key command split into one fragment per shard (MGET, MSET, DEL,
 * UNLINK, EXISTS, TOUCH) and merged back (twemproxy's redis_post_coalesce):
 * MGET in the client's key order; counts added; MSET OK only if every part
 * is. A failed fragment fails the command with its error (the first, in key
 * order), as in twemproxy, where a client raises it rather than taking an
 * error element for a value; with `keyErrors` an MGET answers the other
 * keys' values and the error in each of the failed fragment's keys' places.
 */
export class SplitRequest extends FanOut {
  readonly #kind: number;
  readonly #keyErrors: boolean;
  /** Per client key, in the client's order: its group, the fragment it goes in. */
  readonly #groups: Int32Array;
  /** Per group: its fragment. */
  readonly #parts: Fragment[];

  /** `servers`: per group, the series of the server its fragment goes to. */
  constructor(owner: SlotOwner, command: CommandSeries, kind: number, keyErrors: boolean, groups: Int32Array, servers: readonly ServerMetrics[]) {
    super(owner, command);
    this.#kind = kind;
    this.#keyErrors = keyErrors;
    this.#groups = groups;
    this.#parts = servers.map((server) => this.part(server));
  }

  fragment(group: number): Fragment {
    return this.#parts[group]!;
  }

  protected merge(): Buffer {
    for (const part of this.#parts) if (part.failure) part.ending = this.owner.failure(part.failure);
    if (this.#kind === Kind.MGET && this.#keyErrors) return this.#mergeValues();
    const error = this.#firstError();
    if (error !== null) return error;
    if (this.#kind === Kind.MGET) return this.#mergeValues();
    if (this.#kind !== Kind.SUM) return OK_REPLY;
    let sum = 0;
    for (const part of this.#parts) sum += readIntegerReply(part.ending, 0, part.ending.length) || 0;
    return integerReply(sum);
  }

  /** The error reply of the failed fragment holding the earliest key, or null. */
  #firstError(): Buffer | null {
    for (const group of this.#groups) {
      const ending = this.#parts[group]!.ending;
      if (ending[0] === MINUS) return ending;
    }
    return null;
  }

  /** Each fragment is answered in its keys' order: walking the client's keys and taking the next element of their fragment's reply restores the client's order. */
  #mergeValues(): Buffer {
    for (const part of this.#parts) {
      const reply = part.ending;
      if (READER.open(reply, 0, reply.length)) while (READER.next()) part.values.push(reply.subarray(READER.elementStart, READER.elementEnd));
    }
    const slots = new Array<Buffer>(this.#groups.length);
    for (let i = 0; i < slots.length; i++) {
      const part = this.#parts[this.#groups[i]!]!;
      // An error reply, or an array cut short: those keys answer with the error.
      slots[i] = part.values[part.taken++] ?? (part.ending[0] === MINUS ? part.ending : MALFORMED);
    }
    return arrayReply(slots);
  }
}
