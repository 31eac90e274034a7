import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { Expect, ReplyKind, replies, type ScannedRequest } from '../../protocols/memcache/index.ts';
import { FanOut, type Fragment } from '../../session/fan-out.ts';
import type { SlotOwner } from '../../session/reply-slot.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';

const SPACE = 0x20;
const CRLF = Buffer.from('\r\n');
/** `VALUE ` is where a value unit's key starts. */
const KEY_OFFSET = 6;

/**
 * get, gets, gat, gats over keys living on several servers: each server
 * gets the client's command with only its keys, and the VALUE units come
 * back merged into the client's key order with one END — what one
 * memcached holding every key would send. A server that fails, or answers
 * with an error line, makes the whole reply that error, since memcached
 * itself drops the hits it had when a multi-get fails.
 */
export class MultiGet extends FanOut {
  /** The client's command line, copied: the merge reads its keys after the read's buffer is reused. */
  readonly #line: Buffer;
  /** Per client key: [start, end) in #line, and its server. */
  readonly #keys: Int32Array;
  readonly #servers: Int32Array;
  readonly #parts: Array<Fragment | undefined>;
  /** The command name (and gat's exptime) that every server's command starts with. */
  readonly #prefixEnd: number;

  constructor(owner: SlotOwner, request: ScannedRequest, command: CommandSeries, servers: Int32Array, pool: ServerPool<MemcacheInFlight>) {
    super(owner, command);
    const count = request.keyCount;
    this.#line = Buffer.from(request.buffer.subarray(request.start, request.lineEnd));
    this.#keys = new Int32Array(count * 2);
    for (let i = 0; i < count; i++) {
      this.#keys[i * 2] = request.keyStart(i) - request.start;
      this.#keys[i * 2 + 1] = request.keyEnd(i) - request.start;
    }
    this.#servers = servers.slice(0, count);
    this.#prefixEnd = request.tokenEnd(request.firstKeyToken - 1) - request.start;
    this.#parts = new Array<Fragment | undefined>(pool.servers.length);
    for (let i = 0; i < count; i++) {
      const server = this.#servers[i]!;
      this.#parts[server] ??= this.part(pool.servers[server]!.metrics, Expect.untilEnd);
    }
  }

  /** Sends each server the command with its keys, on the connection the client uses. */
  send(pool: ServerPool<MemcacheInFlight>, clientId: number): void {
    for (let server = 0; server < this.#parts.length; server++) {
      const part = this.#parts[server];
      if (part !== undefined) pool.connection(server, clientId).send(part, this.#command(server));
    }
  }

  #command(server: number): Buffer {
    const keys = this.#keys;
    const servers = this.#servers;
    let length = this.#prefixEnd + CRLF.length;
    for (let i = 0; i < servers.length; i++) if (servers[i] === server) length += 1 + keys[i * 2 + 1]! - keys[i * 2]!;
    const bytes = Buffer.allocUnsafe(length);
    let at = this.#line.copy(bytes, 0, 0, this.#prefixEnd);
    for (let i = 0; i < servers.length; i++) {
      if (servers[i] !== server) continue;
      bytes[at++] = SPACE;
      at += this.#line.copy(bytes, at, keys[i * 2]!, keys[i * 2 + 1]!);
    }
    CRLF.copy(bytes, at);
    return bytes;
  }

  protected merge(): Buffer | Buffer[] {
    for (const part of this.#parts) {
      if (part === undefined) continue;
      if (part.failure !== null) return this.owner.failure(part.failure);
      if (part.endKind !== ReplyKind.end) return part.ending;
    }
    // Each server answers its keys in the order it got them, skipping
    // misses; walking the client's keys and taking a server's next value
    // when its key matches restores the client's order, duplicates included.
    const out: Buffer[] = [];
    const keys = this.#keys;
    for (let i = 0; i < this.#servers.length; i++) {
      const part = this.#parts[this.#servers[i]!]!;
      const value = part.values[part.taken];
      if (value !== undefined && this.#holdsKey(value, keys[i * 2]!, keys[i * 2 + 1]!)) {
        out.push(value);
        part.taken++;
      }
    }
    out.push(replies.END);
    return out;
  }

  /** A byte loop: keys are short, and Buffer#compare's native call costs more than comparing them (profiled). */
  #holdsKey(value: Buffer, keyStart: number, keyEnd: number): boolean {
    if (value[KEY_OFFSET + keyEnd - keyStart] !== SPACE) return false;
    const line = this.#line;
    for (let i = keyStart, at = KEY_OFFSET; i < keyEnd; i++, at++) if (line[i] !== value[at]) return false;
    return true;
  }
}
