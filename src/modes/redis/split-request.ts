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
 * MGET in the client's key order, with a failed fragment giving an error in
 * each of its keys' slots rather than failing the whole reply; counts added;
 * MSET OK only if every part is.
 */
export class SplitRequest extends FanOut {
  readonly #kind: number;
  /** Per client key, in the client's order: the server it lives on. */
  readonly #servers: Int32Array;
  /** Per server: its fragment, if any key lives there. */
  readonly #parts: Array<Fragment | undefined>;

  constructor(owner: SlotOwner, command: CommandSeries, kind: number, servers: Int32Array, pool: ReadonlyArray<ServerState<InFlight>>) {
    super(owner, command);
    this.#kind = kind;
    this.#servers = servers;
    this.#parts = new Array<Fragment | undefined>(pool.length);
    for (const server of servers) this.#parts[server] ??= this.part(pool[server]!.metrics);
  }

  /** The fragment of `server`; undefined when none of the keys lives there. */
  fragment(server: number): Fragment | undefined {
    return this.#parts[server];
  }

  protected merge(): Buffer {
    if (this.#kind === Kind.MGET) return this.#mergeValues();
    let sum = 0;
    for (const part of this.#parts) {
      if (part === undefined) continue;
      if (part.failure !== null) return this.owner.failure(part.failure);
      if (part.ending[0] === MINUS) return part.ending;
      if (this.#kind === Kind.SUM) sum += readIntegerReply(part.ending, 0, part.ending.length) || 0;
    }
    return this.#kind === Kind.SUM ? integerReply(sum) : OK_REPLY;
  }

  /** Each server answers its keys in the order it got them: walking the client's keys and taking the next element of their server's reply restores the client's order. */
  #mergeValues(): Buffer {
    for (const part of this.#parts) {
      if (part === undefined) continue;
      if (part.failure !== null) {
        part.ending = this.owner.failure(part.failure);
        continue;
      }
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
