import { findCommand, type RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { KeyPositions } from '../../protocols/resp/commands/key-positions.ts';
import type { RequestLimits } from '../../protocols/resp/limits.ts';
import { RequestScanner } from '../../protocols/resp/request-scanner.ts';
import { errorReply, OK_REPLY } from '../../protocols/resp/reply-encoder.ts';
import type { ClientSession } from '../../session/client-session.ts';
import type { ClientProtocol } from '../../session/protocol.ts';
import { ForwardedRequest } from '../../session/forwarded-request.ts';
import { NO_SERVER } from '../../upstream/pool-router.ts';
import { Kind, commandKind } from './command-kind.ts';
import { AUTH_REQUIRED, answerLocally, type LocalClient } from './local-commands.ts';
import { InternalRequest, type PinnedConnection } from './pinned.ts';
import type { ReachPolicy } from './reaching-commands.ts';
import { crossServer, NO_KEY, type RedisPool } from './redis-pool.ts';

const ALLOWED_WHILE_SUBSCRIBED = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);
const MULTI = Buffer.from('*1\r\n$5\r\nMULTI\r\n');
const DISCARD = Buffer.from('*1\r\n$7\r\nDISCARD\r\n');
const EMPTY_EXEC = Buffer.from('*0\r\n');
const EXEC_ABORTED = errorReply('EXECABORT Transaction discarded because of previous errors.');
/** The slow log's key finder: used within one call, so every client shares it. */
const SLOW_LOG_KEYS = new KeyPositions();

/** A transaction in progress: the server is chosen by the first key inside it (or by WATCH). */
interface Transaction {
  /** The shard its keys live in (redis-pool.ts), or -1 until a key chose it. */
  shard: number;
  aborted: boolean;
  /** Keyless commands queued before any key chose the server. */
  waiting: Array<{ request: ForwardedRequest; bytes: Buffer }>;
}

/** The listener-wide settings a redis client reads. */
export interface RedisClientSettings {
  readonly password: string | undefined;
  /** The ACL user padda is on its servers (redis_auth_user): a client may AUTH as it too. */
  readonly user: string | undefined;
  readonly db: number;
  /** The scanner's limits, one object for every client of the listener. */
  readonly requestLimits: RequestLimits;
  /** Which commands that act beyond the pool this listener forwards (allow_commands). */
  readonly reach: ReachPolicy;
}

/**
 * One client's Redis state: its command scanner, authentication, and the
 * connection of its own that transactions (MULTI … EXEC, WATCH), blocking
 * commands and subscriptions need. Commands are dispatched by kind; keyed
 * and multi-key ones go through the listener's RedisPool.
 */
export class RedisClient implements ClientProtocol, LocalClient {
  name: string | null = null;
  authenticated: boolean;
  readonly password: string | undefined;
  readonly user: string | undefined;
  readonly db: number;
  readonly #session: ClientSession;
  readonly #pool: RedisPool;
  readonly #reach: ReachPolicy;
  readonly #scanner: RequestScanner;
  #pinned: PinnedConnection | null = null;
  #transaction: Transaction | null = null;
  #watching = -1;
  #subscribed = false;

  constructor(session: ClientSession, pool: RedisPool, settings: RedisClientSettings) {
    this.#session = session;
    this.#pool = pool;
    this.#reach = settings.reach;
    this.password = settings.password;
    this.user = settings.user;
    this.db = settings.db;
    this.authenticated = this.password === undefined;
    this.#scanner = new RequestScanner(settings.requestLimits);
    this.#scanner.requireAuth = !this.authenticated;
  }

  get id(): number {
    return this.#session.id;
  }

  push(chunk: Buffer): void {
    this.#scanner.push(chunk);
  }

  retain(): void {
    this.#scanner.retain();
  }

  next(): boolean {
    const scanner = this.#scanner;
    if (scanner.next()) {
      this.#dispatch(scanner);
      return true;
    }
    if (scanner.error !== null) this.#session.protocolError(scanner.error.reply);
    return false;
  }

  readDone(): void {}

  /** The command's first key as COMMAND INFO places it (a scan again: asked only with a slow log on). */
  firstKey(): Buffer | null {
    const args = this.#scanner;
    const command = findCommand(args);
    if (command === undefined || !command.acceptsArgc(args.argc) || SLOW_LOG_KEYS.find(command, args) === 0) return null;
    const index = SLOW_LOG_KEYS.indexes[0]!;
    return Buffer.from(args.buffer.subarray(args.argStart[index]!, args.argEnd[index]!));
  }

  closed(): void {
    this.#pinned?.close();
  }

  #dispatch(args: RequestScanner): void {
    const command = findCommand(args);
    if (command === undefined) return this.#answer(unknownCommand(args));
    if (!command.acceptsArgc(args.argc)) return this.#answer(errorReply(`ERR wrong number of arguments for '${command.name}' command`));
    const name = command.name;
    if (!this.authenticated && name !== 'auth' && name !== 'hello' && name !== 'quit') return this.#answer(AUTH_REQUIRED);
    if (this.#subscribed && !ALLOWED_WHILE_SUBSCRIBED.has(name.split('|')[0]!)) {
      return this.#answer(errorReply(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`));
    }
    const kind = commandKind(command);
    if (kind === Kind.REACHING) {
      const refusal = this.#reach.refusal(command, args);
      if (refusal !== null) {
        // Like any command Redis refuses while queueing, it dooms the transaction.
        if (this.#transaction !== null) this.#transaction.aborted = true;
        return this.#answer(refusal);
      }
    }
    if (this.#transaction !== null && kind !== Kind.TRANSACTION && kind !== Kind.LOCAL) return this.#inTransaction(command, args);
    switch (kind) {
      case Kind.KEYED:
      case Kind.REACHING:
      case Kind.PUBLISH:
        return this.#pool.forward(this.#session, command, kind, args);
      case Kind.MGET:
      case Kind.MSET:
      case Kind.SUM:
        return this.#pool.split(this.#session, command, kind, args);
      case Kind.LOCAL:
        return this.#local(command, args);
      case Kind.TRANSACTION:
        return this.#transactionCommand(command, args);
      case Kind.BLOCKING:
        return this.#blocking(command, args);
      case Kind.SUBSCRIBE:
        return this.#subscribe(command, args);
      default:
        return this.#answer(errorReply(`ERR unsupported command '${command.name}' in proxy mode`));
    }
  }

  #local(command: RedisCommand, args: RequestScanner): void {
    const name = command.name;
    if (name === 'reset') return this.#reset();
    const answer = answerLocally(name, args, this);
    // COMMAND, COMMAND INFO/DOCS/LIST: the same on every server; ask any live one.
    if (answer === null) return this.#pool.forwardAnywhere(this.#session, command, args);
    if (name === 'auth' || name === 'hello') this.#scanner.requireAuth = !this.authenticated;
    this.#answer(answer, command);
    if (name === 'quit') this.#session.finishAfterReplies();
  }

  #transactionCommand(command: RedisCommand, args: RequestScanner): void {
    const bytes = args.buffer.subarray(args.start, args.end);
    const tx = this.#transaction;
    switch (command.name) {
      case 'multi':
        if (tx !== null) return this.#answer(errorReply('ERR MULTI calls can not be nested'));
        this.#transaction = { shard: -1, aborted: false, waiting: [] };
        if (this.#watching >= 0) this.#beginOn(this.#watching);
        return this.#answer(OK_REPLY, command);
      case 'exec':
      case 'discard': {
        if (tx === null) return this.#answer(errorReply(`ERR ${command.name.toUpperCase()} without MULTI`));
        this.#transaction = null;
        this.#watching = -1;
        if (tx.aborted) {
          if (tx.shard >= 0) this.#pinned!.connection.send(new InternalRequest(), DISCARD);
          return this.#answer(command.name === 'exec' ? EXEC_ABORTED : OK_REPLY, command);
        }
        if (tx.shard < 0 && tx.waiting.length === 0) return this.#answer(command.name === 'exec' ? EMPTY_EXEC : OK_REPLY, command);
        if (tx.shard < 0) {
          // Only keyless commands: any live server runs them.
          const shard = this.#pool.anyShard();
          if (shard === NO_SERVER) return this.#answer(this.#pool.unserved);
          this.#transaction = tx;
          this.#beginOn(shard);
          this.#transaction = null;
        }
        return this.#pinned!.connection.send(this.#enqueue(command), bytes);
      }
      case 'watch': {
        if (tx !== null) return this.#answer(errorReply('ERR WATCH inside MULTI is not allowed'));
        const shard = this.#pool.shardOf(command, Kind.TRANSACTION, args);
        if (shard < 0) return this.#answer(this.#pool.routingError(shard, command));
        if (this.#watching >= 0 && this.#watching !== shard) return this.#answer(crossServer(command.name));
        this.#watching = shard;
        return this.#pin(shard).connection.send(this.#enqueue(command), bytes);
      }
      default: // unwatch
        if (tx !== null) return this.#inTransaction(command, args);
        this.#watching = -1;
        if (this.#pinned === null) return this.#answer(OK_REPLY, command);
        return this.#pinned.connection.send(this.#enqueue(command), bytes);
    }
  }

  /** A command between MULTI and EXEC: queued on the transaction's server, which its keys must match. */
  #inTransaction(command: RedisCommand, args: RequestScanner): void {
    const tx = this.#transaction!;
    const bytes = args.buffer.subarray(args.start, args.end);
    const kind = commandKind(command);
    if (kind === Kind.SUBSCRIBE) {
      tx.aborted = true;
      return this.#answer(errorReply(`ERR '${command.name}' inside MULTI is not supported in proxy mode`));
    }
    const shard = this.#pool.shardOf(command, kind, args);
    if (shard === NO_KEY) {
      // Keyless (PING, TIME…): runs on the transaction's server, once there is one.
      const request = this.#enqueue(command);
      if (tx.shard >= 0) return this.#pinned!.connection.send(request, bytes);
      // Held past this read, whose buffer is shared: a copy.
      tx.waiting.push({ request, bytes: Buffer.from(bytes) });
      return;
    }
    if (shard < 0 || (tx.shard >= 0 && shard !== tx.shard)) {
      tx.aborted = true;
      return this.#answer(this.#pool.routingError(shard, command));
    }
    if (tx.shard < 0) this.#beginOn(shard);
    this.#pinned!.connection.send(this.#enqueue(command), bytes);
  }

  /** Sends the deferred MULTI, then the keyless commands that waited for a server. */
  #beginOn(shard: number): void {
    const tx = this.#transaction!;
    tx.shard = shard;
    const connection = this.#pin(shard).connection;
    connection.send(new InternalRequest(), MULTI);
    for (const { request, bytes } of tx.waiting) connection.send(request, bytes);
    tx.waiting = [];
  }

  #blocking(command: RedisCommand, args: RequestScanner): void {
    const shard = this.#pool.shardOf(command, Kind.BLOCKING, args);
    if (shard < 0) return this.#answer(this.#pool.routingError(shard, command));
    const request = this.#enqueue(command);
    // Redis runs nothing else of a blocked client; neither do we, so later commands keep their order.
    this.#session.barrier = request;
    this.#pin(shard).connection.send(request, args.buffer.subarray(args.start, args.end));
  }

  #subscribe(command: RedisCommand, args: RequestScanner): void {
    const name = command.name;
    const bytes = args.buffer.subarray(args.start, args.end);
    if (name.endsWith('unsubscribe')) {
      if (!this.#subscribed || this.#pinned === null) {
        return this.#answer(Buffer.from(`*3\r\n$${name.length}\r\n${name}\r\n$-1\r\n:0\r\n`), command);
      }
      return this.#pinned.connection.write(bytes);
    }
    const shard = name === 'psubscribe' ? this.#pool.patternsShard() : this.#pool.channelsShard(args, name === 'ssubscribe');
    if (shard < 0) {
      if (name === 'psubscribe') return this.#answer(errorReply('ERR PSUBSCRIBE cannot be honoured in proxy mode: a pattern matches channels on every server'));
      return this.#answer(this.#pool.routingError(shard, command));
    }
    if (this.#subscribed) {
      if (this.#pinned!.shard !== shard) return this.#answer(crossServer(name));
      return this.#pinned!.connection.write(bytes);
    }
    // Every message becomes a finished entry of the reply queue, so the stream
    // starts only after the replies of the commands sent before it.
    const pinned = this.#pin(shard);
    this.#subscribed = true;
    pinned.startStreaming(
      (message) => this.#session.answer(message, null),
      () => {
        this.#subscribed = false;
      },
    );
    pinned.connection.write(bytes);
  }

  /** The client's own connection to the server of `shard` (routed and checked just before, so it has one). */
  #pin(shard: number): PinnedConnection {
    if (this.#pinned !== null && this.#pinned.shard === shard) return this.#pinned;
    this.#pinned?.close();
    this.#pinned = this.#pool.pin(shard, () => {
      // The dedicated connection broke: its transaction, watch and subscriptions are gone with it.
      this.#transaction = null;
      this.#watching = -1;
      this.#pinned = null;
      if (this.#subscribed) {
        this.#subscribed = false;
        this.#session.finishAfterReplies();
      }
    });
    return this.#pinned;
  }

  #reset(): void {
    this.#pinned?.close();
    this.#pinned = null;
    this.#transaction = null;
    this.#watching = -1;
    this.#subscribed = false;
    this.name = null;
    this.authenticated = this.password === undefined;
    this.#scanner.requireAuth = !this.authenticated;
    this.#answer(Buffer.from('+RESET\r\n'));
  }

  /** A slot for a command sent on the client's own connection. */
  #enqueue(command: RedisCommand): ForwardedRequest {
    const request = new ForwardedRequest(this.#session, this.#pool.call(command), null);
    this.#session.push(request);
    return request;
  }

  /** A reply padda makes itself, in its place in the order; counted as a call of `command` if given. */
  #answer(answer: Buffer, command?: RedisCommand): void {
    this.#session.answer(answer, command === undefined ? null : this.#pool.call(command));
  }
}

function unknownCommand(args: RequestScanner): Buffer {
  const name = args.buffer.subarray(args.argStart[0]!, args.argEnd[0]!).toString('utf8');
  let rest = '';
  for (let i = 1; i < args.argc && rest.length < 128; i++) rest += `'${args.buffer.subarray(args.argStart[i]!, args.argEnd[i]!).toString('utf8')}' `;
  return errorReply(`ERR unknown command '${name}', with args beginning with: ${rest}`);
}
