import type { CommandMetricsTable, CommandSeries } from '../../metrics/command-metrics.ts';
import type { Counter } from '../../metrics/registry.ts';
import { encodeCommand } from '../../protocols/resp/command-encoder.ts';
import type { CommandArguments } from '../../protocols/resp/command-arguments.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { KeyPositions } from '../../protocols/resp/commands/key-positions.ts';
import { errorReply } from '../../protocols/resp/reply-encoder.ts';
import type { RequestScanner } from '../../protocols/resp/request-scanner.ts';
import type { ClientSession } from '../../session/client-session.ts';
import { ForwardedRequest } from '../../session/forwarded-request.ts';
import { NO_LIVE_SERVER } from '../../upstream/errors.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import { NO_SERVER, type PoolRouter } from '../../upstream/pool-router.ts';
import type { ConnectionOptions } from '../../upstream/server-connection.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import { Kind } from './command-kind.ts';
import { PinnedConnection } from './pinned.ts';
import { SplitRequest } from './split-request.ts';

/** Routing outcomes besides a server index (NO_SERVER is -1). */
export const KEYS_DIFFER = -2;
export const NO_KEY = -3;
export const NO_SERVER_REPLY = errorReply(`ERR ${NO_LIVE_SERVER}`);

export function crossServer(name: string): Buffer {
  return errorReply(`CROSSSLOT Keys in request don't hash to the same server ('${name}' cannot be split; use a hash_tag to keep its keys together)`);
}

/**
 * A listener's servers as its redis clients use them: a command routed by
 * its keys to the one server they share, a multi-key command split over
 * servers and merged, any live server for what every server answers alike,
 * and connections of a client's own for transactions, blocking commands and
 * subscriptions. Holds no client state.
 */
export class RedisPool {
  readonly pool: ServerPool<InFlight>;
  readonly connectionOptions: ConnectionOptions;
  /** mget_errors: key — a failed fragment's error goes in its keys' places, not over the whole MGET. */
  readonly #keyErrors: boolean;
  readonly #router: PoolRouter;
  readonly #commands: CommandMetricsTable<RedisCommand>;
  /** Sub-requests made by splitting multi-key commands (twemproxy's `fragments`). */
  readonly #fragments: Counter;
  /** Key finding is synchronous within one dispatch, so every client of a listener shares one. */
  readonly #keys = new KeyPositions();
  #spans = new Uint32Array(64);
  #routed = new Int32Array(32);

  constructor(pool: ServerPool<InFlight>, router: PoolRouter, connectionOptions: ConnectionOptions, commands: CommandMetricsTable<RedisCommand>, fragments: Counter, keyErrors: boolean) {
    this.pool = pool;
    this.#keyErrors = keyErrors;
    this.#router = router;
    this.connectionOptions = connectionOptions;
    this.#commands = commands;
    this.#fragments = fragments;
  }

  /** A command's series, counting one call of it. */
  call(command: RedisCommand): CommandSeries {
    const series = this.#commands.get(command);
    series.calls.value++;
    return series;
  }

  /** The one server every key of the command maps to; NO_SERVER, KEYS_DIFFER or NO_KEY otherwise. */
  serverOf(command: RedisCommand, kind: number, args: CommandArguments): number {
    const keys = this.#keys;
    const count = keys.find(command, args, kind === Kind.PUBLISH || kind === Kind.SUBSCRIBE);
    const router = this.#router;
    if (count === 0) {
      // PUBLISH's channel is not a key in COMMAND INFO; it routes by its channel like a key.
      return kind === Kind.PUBLISH ? router.route(args.buffer, args.argStart[1]!, args.argEnd[1]!) : NO_KEY;
    }
    const first = router.route(args.buffer, args.argStart[keys.indexes[0]!]!, args.argEnd[keys.indexes[0]!]!);
    for (let i = 1; i < count; i++) {
      const index = keys.indexes[i]!;
      if (router.route(args.buffer, args.argStart[index]!, args.argEnd[index]!) !== first) return KEYS_DIFFER;
    }
    return first;
  }

  /** Every channel of a (S)SUBSCRIBE hashed like a key; they must share a server. */
  channelsServer(args: CommandArguments): number {
    const router = this.#router;
    const first = router.route(args.buffer, args.argStart[1]!, args.argEnd[1]!);
    for (let i = 2; i < args.argc; i++) if (router.route(args.buffer, args.argStart[i]!, args.argEnd[i]!) !== first) return KEYS_DIFFER;
    return first;
  }

  routingError(code: number, command: RedisCommand): Buffer {
    if (code === NO_SERVER) return NO_SERVER_REPLY;
    if (code === KEYS_DIFFER) return crossServer(command.name);
    return errorReply(`ERR unsupported command '${command.name}' in proxy mode: it names no key to route by`);
  }

  /** A keyed command to the server its keys share, or the reason it cannot go. */
  forward(session: ClientSession, command: RedisCommand, kind: number, args: RequestScanner): void {
    const server = this.serverOf(command, kind, args);
    if (server < 0) return session.answer(this.routingError(server, command), null);
    this.send(session, server, this.call(command), args.buffer.subarray(args.start, args.end));
  }

  /** A command every server answers alike (COMMAND INFO, DOCS, LIST): any live one. */
  forwardAnywhere(session: ClientSession, command: RedisCommand, args: RequestScanner): void {
    const server = this.pool.anyLive();
    if (server === NO_SERVER) return session.answer(NO_SERVER_REPLY, null);
    this.send(session, server, this.call(command), args.buffer.subarray(args.start, args.end));
  }

  /**
   * MGET, MSET, DEL, UNLINK, EXISTS, TOUCH: keys on one server go as they
   * are; otherwise each server gets the command with its keys only. The
   * keys are routed in one call of the WASM hash core, which pays its call
   * and copy cost per batch, not per key.
   */
  split(session: ClientSession, command: RedisCommand, kind: number, args: RequestScanner): void {
    const keys = this.#keys;
    const count = keys.find(command, args);
    const servers = this.#routeKeys(args, keys.indexes, count);
    let oneServer = true;
    for (let i = 0; i < count; i++) {
      if (servers[i] === NO_SERVER) return session.answer(NO_SERVER_REPLY, null);
      if (servers[i] !== servers[0]) oneServer = false;
    }
    if (oneServer) return this.send(session, servers[0]!, this.call(command), args.buffer.subarray(args.start, args.end));
    const request = new SplitRequest(session, this.call(command), kind, this.#keyErrors, servers.slice(0, count), this.pool.servers);
    session.push(request);
    const step = kind === Kind.MSET ? 2 : 1;
    const indexes: number[] = [];
    for (let server = 0; server < this.pool.servers.length; server++) {
      const fragment = request.fragment(server);
      if (fragment === undefined) continue;
      this.#fragments.value++;
      indexes.length = 0;
      indexes.push(0);
      for (let i = 0; i < count; i++) if (servers[i] === server) for (let j = 0; j < step; j++) indexes.push(keys.indexes[i]! + j);
      this.pool.connection(server, session.id).send(fragment, encodeCommand(args, indexes));
    }
  }

  /** A command (its bytes as the client sent them) to one server on the client's shared connection. */
  send(session: ClientSession, server: number, series: CommandSeries, bytes: Buffer): void {
    const request = new ForwardedRequest(session, series, this.pool.servers[server]!.metrics);
    session.push(request);
    this.pool.connection(server, session.id).send(request, bytes);
  }

  /** A connection of one client's own to `server`; `broke` runs if it fails. */
  pin(server: number, broke: () => void): PinnedConnection {
    return new PinnedConnection(server, this.pool.servers[server]!.spec, this.connectionOptions, broke);
  }

  /** The servers of many keys — the keys of one MGET/MSET/DEL — in one batch. The returned array is reused by the next call. */
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
    return this.#router.routeBatch(args.buffer, this.#spans, count, this.#routed);
  }
}
