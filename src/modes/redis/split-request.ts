import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { ArrayReplyReader, readIntegerReply } from '../../protocols/resp/reply-reader.ts';
import { arrayReply, errorReply, integerReply, OK_REPLY } from '../../protocols/resp/reply-encoder.ts';
import { FanOut, type Fragment } from '../../session/fan-out.ts';
import type { SlotOwner } from '../../session/reply-slot.ts';
import type { ServerState } from '../../upstream/server-pool.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { Kind } from './command-kind.ts';

const MINUS = 0x2d;
const MALFORMED = errorReply('ERR malformed MGET reply from server');
/** Merging runs synchronously, so one reader serves every split request. */
const READER = new ArrayReplyReader();

/**
 * A multi-key command split into one fragment per server (MGET, MSET, DEL,
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
  /** Per client key, in the client's order: the server it lives on. */
  readonly #servers: Int32Array;
  /** Per server: its fragment, if any key lives there. */
  readonly #parts: Array<Fragment | undefined>;

  constructor(owner: SlotOwner, command: CommandSeries, kind: number, keyErrors: boolean, servers: Int32Array, pool: ReadonlyArray<ServerState<InFlight>>) {
    super(owner, command);
    this.#kind = kind;
    this.#keyErrors = keyErrors;
    this.#servers = servers;
    this.#parts = new Array<Fragment | undefined>(pool.length);
    for (const server of servers) this.#parts[server] ??= this.part(pool[server]!.metrics);
  }

  /** The fragment of `server`; undefined when none of the keys lives there. */
  fragment(server: number): Fragment | undefined {
    return this.#parts[server];
  }

  protected merge(): Buffer {
    for (const part of this.#parts) if (part?.failure) part.ending = this.owner.failure(part.failure);
    if (this.#kind === Kind.MGET && this.#keyErrors) return this.#mergeValues();
    const error = this.#firstError();
    if (error !== null) return error;
    if (this.#kind === Kind.MGET) return this.#mergeValues();
    if (this.#kind !== Kind.SUM) return OK_REPLY;
    let sum = 0;
    for (const part of this.#parts) if (part !== undefined) sum += readIntegerReply(part.ending, 0, part.ending.length) || 0;
    return integerReply(sum);
  }

  /** The error reply of the failed fragment holding the earliest key, or null. */
  #firstError(): Buffer | null {
    for (const server of this.#servers) {
      const ending = this.#parts[server]!.ending;
      if (ending[0] === MINUS) return ending;
    }
    return null;
  }

  /** Each server answers its keys in the order it got them: walking the client's keys and taking the next element of their server's reply restores the client's order. */
  #mergeValues(): Buffer {
    for (const part of this.#parts) {
      if (part === undefined) continue;
      const reply = part.ending;
      if (READER.open(reply, 0, reply.length)) while (READER.next()) part.values.push(reply.subarray(READER.elementStart, READER.elementEnd));
    }
    const slots = new Array<Buffer>(this.#servers.length);
    for (let i = 0; i < slots.length; i++) {
      const part = this.#parts[this.#servers[i]!]!;
      // An error reply, or an array cut short: those keys answer with the error.
      slots[i] = part.values[part.taken++] ?? (part.ending[0] === MINUS ? part.ending : MALFORMED);
    }
    return arrayReply(slots);
  }
}
