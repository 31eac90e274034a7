import type { CommandMetricsTable, CommandSeries } from '../../metrics/command-metrics.ts';
import type { Counter } from '../../metrics/registry.ts';
import { encodeCommand } from '../../protocols/resp/command-encoder.ts';
import type { CommandArguments } from '../../protocols/resp/command-arguments.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { CommandFlag } from '../../protocols/resp/commands/command-flags.ts';
import { KeyPositions } from '../../protocols/resp/commands/key-positions.ts';
import { errorReply } from '../../protocols/resp/reply-encoder.ts';
import type { RequestScanner } from '../../protocols/resp/request-scanner.ts';
import type { ClientSession } from '../../session/client-session.ts';
import type { Fragment } from '../../session/fan-out.ts';
import type { ForwardedRequest } from '../../session/forwarded-request.ts';
import { NO_LIVE_SERVER } from '../../upstream/errors.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { NO_SERVER } from '../../upstream/pool-router.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import type { ConnectionOptions } from '../../upstream/server-connection.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import { Kind } from './command-kind.ts';
import { PinnedConnection } from './pinned.ts';
import { SplitRequest } from './split-request.ts';

/** Routing outcomes besides a shard (NO_SERVER is -1). */
export const KEYS_DIFFER = -2;
export const NO_KEY = -3;
export const NO_SERVER_REPLY = errorReply(`ERR ${NO_LIVE_SERVER}`);

export function crossServer(name: string): Buffer {
  return errorReply(`CROSSSLOT Keys in request don't hash to the same server ('${name}' cannot be split; use a hash_tag to keep its keys together)`);
}

/**
 * Where keys live. A key belongs to a shard: the unit every key of one
 * command must share, and by which a multi-key command is split. For a
 * twemproxy pool a shard is a server; for a Redis Cluster it is a hash slot
 * (Redis refuses a command whose keys span slots even on one node), and
 * the slot map says which server holds it.
 */
export interface KeyPlacement {
  /** Shards are 0 … shardCount - 1. */
  readonly shardCount: number;
  /** The shard of key bytes buf[start, end); NO_SERVER when none can hold it. */
  shard(buf: Uint8Array, start: number, end: number): number;
  /** Shards of many keys in one call: key i is buf[spans[2i], spans[2i+1]). */
  shards(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array;
  /** The server holding a shard now; NO_SERVER when none does. */
  server(shard: number): number;
  /** The server a read-only command of `client` goes to: the shard's, or one of its replicas; NO_SERVER when none will do. */
  reader(shard: number, client: number): number;
  /** A shard some server holds, for what every server answers alike; NO_SERVER when none. */
  anyShard(): number;
  /** The answer to a command whose shard no server holds. */
  readonly unserved: Buffer;
  /** PUBLISH reaches the subscribers of every server (Redis Cluster), so SUBSCRIBE and PSUBSCRIBE may go to any one. */
  readonly publishReachesAll: boolean;
  /** The request that carries a command to `server` (a cluster's keeps its bytes, to follow a redirect). */
  request(session: ClientSession, series: CommandSeries, server: ServerMetrics, bytes: Buffer): ForwardedRequest;
  /** Keeps what a fragment sent, where the server may redirect it. */
  sending(fragment: Fragment, bytes: Buffer): void;
}

/**
 * A listener's servers as its redis clients use them: a command routed by
 * its keys to the one shard they share, a multi-key command split by shard
 * and merged, any server for what every server answers alike, and
 * connections of a client's own for transactions, blocking commands and
 * subscriptions. Holds no client state.
 */
export class RedisPool {
  readonly pool: ServerPool<InFlight>;
  readonly connectionOptions: ConnectionOptions;
  /** mget_errors: key — a failed fragment's error goes in its keys' places, not over the whole MGET. */
  readonly #keyErrors: boolean;
  readonly #placement: KeyPlacement;
  readonly #commands: CommandMetricsTable<RedisCommand>;
  /** Sub-requests made by splitting multi-key commands (twemproxy's `fragments`). */
  readonly #fragments: Counter;
  /** Key finding is synchronous within one dispatch, so every client of a listener shares one. */
  readonly #keys = new KeyPositions();
  #spans = new Uint32Array(64);
  #routed = new Int32Array(32);
  /** Per shard, its group in the split being built (-1 when none); reset after each split. */
  #groupOf: Int32Array;
  /** Per group of the split being built, its server; reused. */
  readonly #targets: number[] = [];

  constructor(pool: ServerPool<InFlight>, placement: KeyPlacement, connectionOptions: ConnectionOptions, commands: CommandMetricsTable<RedisCommand>, fragments: Counter, keyErrors: boolean) {
    this.pool = pool;
    this.#keyErrors = keyErrors;
    this.#placement = placement;
    this.connectionOptions = connectionOptions;
    this.#commands = commands;
    this.#fragments = fragments;
    this.#groupOf = new Int32Array(placement.shardCount).fill(-1);
  }

  get unserved(): Buffer {
    return this.#placement.unserved;
  }

  /** A command's series, counting one call of it. */
  call(command: RedisCommand): CommandSeries {
    const series = this.#commands.get(command);
    series.calls.value++;
    return series;
  }

  /** The one shard every key of the command maps to, held by a server; NO_SERVER, KEYS_DIFFER or NO_KEY otherwise. */
  shardOf(command: RedisCommand, kind: number, args: CommandArguments): number {
    const keys = this.#keys;
    const count = keys.find(command, args, kind === Kind.PUBLISH || kind === Kind.SUBSCRIBE);
    const placement = this.#placement;
    let first: number;
    if (count === 0) {
      // PUBLISH's channel is not a key in COMMAND INFO; it routes by its channel like a key.
      if (kind !== Kind.PUBLISH) return NO_KEY;
      first = placement.shard(args.buffer, args.argStart[1]!, args.argEnd[1]!);
    } else {
      first = placement.shard(args.buffer, args.argStart[keys.indexes[0]!]!, args.argEnd[keys.indexes[0]!]!);
      for (let i = 1; i < count; i++) {
        const index = keys.indexes[i]!;
        if (placement.shard(args.buffer, args.argStart[index]!, args.argEnd[index]!) !== first) return KEYS_DIFFER;
      }
    }
    return first >= 0 && placement.server(first) >= 0 ? first : NO_SERVER;
  }

  /** Every channel of a (S)SUBSCRIBE hashed like a key; they must share a shard, unless any server hears every PUBLISH. */
  channelsShard(args: CommandArguments, sharded: boolean): number {
    const placement = this.#placement;
    if (!sharded && placement.publishReachesAll) return placement.anyShard();
    const first = placement.shard(args.buffer, args.argStart[1]!, args.argEnd[1]!);
    for (let i = 2; i < args.argc; i++) if (placement.shard(args.buffer, args.argStart[i]!, args.argEnd[i]!) !== first) return KEYS_DIFFER;
    return first >= 0 && placement.server(first) >= 0 ? first : NO_SERVER;
  }

  /** Where PSUBSCRIBE can go: a pattern matches channels of every shard, so only where one server hears them all. */
  patternsShard(): number {
    const placement = this.#placement;
    if (placement.publishReachesAll) return placement.anyShard();
    return this.pool.servers.length === 1 ? placement.anyShard() : KEYS_DIFFER;
  }

  /** A shard some server holds; NO_SERVER when none. */
  anyShard(): number {
    return this.#placement.anyShard();
  }

  routingError(code: number, command: RedisCommand): Buffer {
    if (code === NO_SERVER) return this.#placement.unserved;
    if (code === KEYS_DIFFER) return crossServer(command.name);
    return errorReply(`ERR unsupported command '${command.name}' in proxy mode: it names no key to route by`);
  }

  /** A keyed command to the server of the shard its keys share, or the reason it cannot go. */
  forward(session: ClientSession, command: RedisCommand, kind: number, args: RequestScanner): void {
    const shard = this.shardOf(command, kind, args);
    if (shard < 0) return session.answer(this.routingError(shard, command), null);
    const server = this.#target(shard, command, session.id);
    if (server < 0) return session.answer(this.#placement.unserved, null);
    this.send(session, server, this.call(command), args.buffer.subarray(args.start, args.end));
  }

  /** A command every server answers alike (COMMAND INFO, DOCS, LIST): any live one. */
  forwardAnywhere(session: ClientSession, command: RedisCommand, args: RequestScanner): void {
    const shard = this.#placement.anyShard();
    if (shard === NO_SERVER) return session.answer(this.#placement.unserved, null);
    this.send(session, this.#placement.server(shard), this.call(command), args.buffer.subarray(args.start, args.end));
  }

  /**
   * MGET, MSET, DEL, UNLINK, EXISTS, TOUCH: keys of one shard go as they
   * are; otherwise each shard gets the command with its keys only. The
   * keys are routed in one call (a twemproxy pool's WASM hash core pays
   * its call and copy cost per batch, not per key).
   */
  split(session: ClientSession, command: RedisCommand, kind: number, args: RequestScanner): void {
    const keys = this.#keys;
    const placement = this.#placement;
    const count = keys.find(command, args);
    const shards = this.#routeKeys(args, keys.indexes, count);
    let oneShard = true;
    for (let i = 0; i < count; i++) {
      if (shards[i]! < 0 || placement.server(shards[i]!) < 0) return session.answer(placement.unserved, null);
      if (shards[i] !== shards[0]) oneShard = false;
    }
    const targets = this.#targets;
    targets.length = 0;
    if (oneShard) {
      const server = this.#target(shards[0]!, command, session.id);
      if (server < 0) return session.answer(placement.unserved, null);
      return this.send(session, server, this.call(command), args.buffer.subarray(args.start, args.end));
    }
    // Number the shards in the order their first key comes: the groups the command splits into.
    const groupOf = this.#groupOf;
    const keyGroups = new Int32Array(count);
    const groupShards: number[] = [];
    for (let i = 0; i < count; i++) {
      const shard = shards[i]!;
      if (groupOf[shard] === -1) groupOf[shard] = groupShards.push(shard) - 1;
      keyGroups[i] = groupOf[shard]!;
    }
    for (const shard of groupShards) groupOf[shard] = -1;
    for (const shard of groupShards) {
      const server = this.#target(shard, command, session.id);
      if (server < 0) return session.answer(placement.unserved, null);
      targets.push(server);
    }
    const servers = targets.map((server) => this.pool.servers[server]!.metrics);
    const request = new SplitRequest(session, this.call(command), kind, this.#keyErrors, keyGroups, servers);
    session.push(request);
    const step = kind === Kind.MSET ? 2 : 1;
    const indexes: number[] = [];
    for (let group = 0; group < groupShards.length; group++) {
      this.#fragments.value++;
      indexes.length = 0;
      indexes.push(0);
      for (let i = 0; i < count; i++) if (keyGroups[i] === group) for (let j = 0; j < step; j++) indexes.push(keys.indexes[i]! + j);
      const bytes = encodeCommand(args, indexes);
      const fragment = request.fragment(group);
      placement.sending(fragment, bytes);
      this.pool.connection(targets[group]!, session.id).send(fragment, bytes);
    }
  }

  /** The server for a command of `shard`: a read-only one may go to a replica (read_from). */
  #target(shard: number, command: RedisCommand, client: number): number {
    return command.flags & CommandFlag.READONLY ? this.#placement.reader(shard, client) : this.#placement.server(shard);
  }

  /** A command (its bytes as the client sent them) to one server on the client's shared connection. */
  send(session: ClientSession, server: number, series: CommandSeries, bytes: Buffer): void {
    const request = this.#placement.request(session, series, this.pool.servers[server]!.metrics, bytes);
    session.push(request);
    this.pool.connection(server, session.id).send(request, bytes);
  }

  /** A connection of one client's own to the server of `shard` (one a server holds); `broke` runs if it fails. */
  pin(shard: number, broke: () => void): PinnedConnection {
    return new PinnedConnection(shard, this.pool.servers[this.#placement.server(shard)]!.spec, this.connectionOptions, broke);
  }

  /** The shards of many keys — the keys of one MGET/MSET/DEL — in one batch. The returned array is reused by the next call. */
  #routeKeys(args: CommandArguments, keyIndexes: Int32Array, count: number): Int32Array {
    if (this.#spans.length < 2 * count) {
      this.#spans = new Uint32Array(4 * count);
      this.#routed = new Int32Array(2 * count);
    }
    for (let i = 0; i < count; i++) {
      const index = keyIndexes[i]!;
      this.#spans[2 * i] = args.argStart[index]!;
      this.#spans[2 * i + 1] = args.argEnd[index]!;
    }
    return this.#placement.shards(args.buffer, this.#spans, count, this.#routed);
  }
}
