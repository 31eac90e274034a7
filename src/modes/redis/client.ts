import type net from 'node:net';
import { findCommand, type RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { encodeCommand } from '../../protocols/resp/command-encoder.ts';
import { KeyPositions } from '../../protocols/resp/commands/key-positions.ts';
import { RequestScanner } from '../../protocols/resp/request-scanner.ts';
import { errorReply, OK_REPLY } from '../../protocols/resp/reply-encoder.ts';
import { NO_LIVE_SERVER } from '../../upstream/errors.ts';
import { Fifo } from '../../upstream/fifo.ts';
import { scheduleFlush, type Flushable } from '../../upstream/flush-scheduler.ts';
import { writeBatch } from '../../upstream/write-batch.ts';
import { NO_SERVER } from '../../upstream/pool-router.ts';
import { Kind, commandKind } from './command-kind.ts';
import { AUTH_REQUIRED, answerLocally, type LocalClient } from './local-commands.ts';
import { InternalRequest, PinnedConnection } from './pinned.ts';
import type { RedisProxy } from './proxy.ts';
import { ClientRequest, SplitRequest, type ReplySink } from './request.ts';

/** Routing outcomes besides a server index (NO_SERVER is -1). */
const KEYS_DIFFER = -2;
const NO_KEY = -3;
const NO_SERVER_REPLY = errorReply(`ERR ${NO_LIVE_SERVER}`);
const CROSS_SERVER = (name: string) =>
  errorReply(`CROSSSLOT Keys in request don't hash to the same server ('${name}' cannot be split; use a hash_tag to keep its keys together)`);
const SHARED_KEYS = new KeyPositions();
const ALLOWED_WHILE_SUBSCRIBED = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);
const MULTI = Buffer.from('*1\r\n$5\r\nMULTI\r\n');
const DISCARD = Buffer.from('*1\r\n$7\r\nDISCARD\r\n');

/** A transaction in progress: the server is chosen by the first key inside it (or by WATCH). */
interface Transaction {
  server: number;
  aborted: boolean;
  /** Keyless commands queued before any key chose the server. */
  waiting: Array<{ request: ClientRequest; bytes: Buffer }>;
}

/**
 * One client connection of a redis listener. Commands are scanned in place
 * and dispatched by kind; every command takes a slot in the client's reply
 * queue, so replies leave in command order however the servers interleave.
 * Reading pauses (and the kernel pushes back on the client) while too many
 * commands are in flight, while unread replies pile up, while a server
 * connection is congested, or while a blocking command waits.
 */
export class RedisClient implements Flushable, ReplySink, LocalClient {
  readonly id: number;
  name: string | null = null;
  authenticated: boolean;
  readonly password: string | undefined;
  readonly db: number;
  private readonly socket: net.Socket;
  private readonly proxy: RedisProxy;
  private readonly scanner: RequestScanner;
  /** Key finding is synchronous within one dispatch, so every client of a process shares one. */
  private readonly keys = SHARED_KEYS;
  private readonly queue = new Fifo<ClientRequest>();
  private out: Buffer[] = [];
  private outBytes = 0;
  private paused = false;
  private closed = false;
  /** Close once every queued reply is written (QUIT, a protocol error, a drain). */
  private closing = false;
  /** A blocking command: nothing after it is read until it is answered. */
  private barrier: ClientRequest | null = null;
  private pinned: PinnedConnection | null = null;
  private transaction: Transaction | null = null;
  private watching = -1;
  private subscribed = false;

  constructor(id: number, socket: net.Socket, proxy: RedisProxy) {
    this.id = id;
    this.socket = socket;
    this.proxy = proxy;
    this.password = proxy.config.redis_auth;
    this.db = proxy.config.redis_db;
    this.authenticated = this.password === undefined;
    this.scanner = new RequestScanner({ maxQueryBuffer: Math.min(proxy.config.client_query_buffer_limit, 2 ** 31 - 1) });
    this.scanner.requireAuth = !this.authenticated;
    socket.on('data', (chunk: Buffer) => {
      this.scanner.push(chunk);
      this.process();
    });
    socket.on('drain', () => this.process());
    socket.on('end', () => this.finishAfterReplies());
    socket.on('error', () => {});
    socket.once('close', () => this.onClose());
  }

  get gone(): boolean {
    return this.closed;
  }

  /** Stop reading; close as soon as every command already read is answered. */
  finishAfterReplies(): void {
    this.closing = true;
    this.maybeEnd();
  }

  destroy(): void {
    this.socket.destroy();
  }

  completed(request: ClientRequest): void {
    if (request === this.barrier) this.barrier = null;
    const queue = this.queue;
    if (queue.peek() !== request) return;
    for (let head = queue.peek(); head !== undefined && head.answer !== null; head = queue.peek()) {
      queue.shift();
      this.push(head.answer);
    }
    if (this.paused) this.process();
    this.maybeEnd();
  }

  flush(): void {
    if (this.closed || this.out.length === 0) return;
    const parts = this.out;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    const socket = this.socket;
    writeBatch(socket, parts, bytes);
    const limit = this.proxy.config.client_output_limit;
    if (limit > 0 && socket.writableLength > limit) {
      // Redis's client-output-buffer-limit: a client that will not read its replies is dropped, not buffered without end.
      this.proxy.clientOverflowed(this.socket.remoteAddress);
      this.closed = true;
      socket.destroy();
    }
    this.maybeEnd();
  }

  /** Reads and dispatches commands until none are left or something says hold. */
  private process(): void {
    if (this.closed) return;
    const scanner = this.scanner;
    while (!this.holding() && scanner.next()) this.dispatch(scanner);
    if (scanner.error !== null && !this.closing) {
      this.proxy.metrics.error('protocol');
      if (scanner.error.reply !== null) this.local(scanner.error.reply);
      this.finishAfterReplies();
      return;
    }
    // Server congestion is checked once per read, not per command: it changes only when a batch is flushed.
    const congested = this.proxy.pool.congested();
    const hold = congested || this.holding();
    if (hold && !this.paused) {
      this.paused = true;
      this.socket.pause();
      if (congested) this.proxy.pool.whenUncongested(() => this.process());
    } else if (!hold && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private holding(): boolean {
    const limit = this.proxy.config.client_output_limit;
    return (
      this.closing ||
      this.barrier !== null ||
      this.queue.length >= this.proxy.config.client_max_inflight ||
      (limit > 0 && this.socket.writableLength > limit / 2)
    );
  }

  private dispatch(args: RequestScanner): void {
    const command = findCommand(args);
    if (command === undefined) return this.local(unknownCommand(args));
    if (!command.acceptsArgc(args.argc)) return this.local(errorReply(`ERR wrong number of arguments for '${command.name}' command`));
    const name = command.name;
    if (!this.authenticated && name !== 'auth' && name !== 'hello' && name !== 'quit') return this.local(AUTH_REQUIRED);
    if (this.subscribed && !ALLOWED_WHILE_SUBSCRIBED.has(name.split('|')[0]!)) {
      return this.local(errorReply(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`));
    }
    const kind = commandKind(command);
    if (kind === Kind.REACHING) {
      const refusal = this.proxy.reach.refusal(command, args);
      if (refusal !== null) {
        // Like any command Redis refuses while queueing, it dooms the transaction.
        if (this.transaction !== null) this.transaction.aborted = true;
        return this.local(refusal);
      }
    }
    if (this.transaction !== null && kind !== Kind.TRANSACTION && kind !== Kind.LOCAL) return this.inTransaction(command, args);
    switch (kind) {
      case Kind.KEYED:
      case Kind.REACHING:
      case Kind.PUBLISH:
        return this.keyed(command, kind, args);
      case Kind.MGET:
      case Kind.MSET:
      case Kind.SUM:
        return this.split(command, args, kind);
      case Kind.LOCAL:
        return this.localCommand(command, args);
      case Kind.TRANSACTION:
        return this.transactionCommand(command, args);
      case Kind.BLOCKING:
        return this.blocking(command, args);
      case Kind.SUBSCRIBE:
        return this.subscribe(command, args);
      default:
        return this.local(errorReply(`ERR unsupported command '${command.name}' in proxy mode`));
    }
  }

  /** The one server every key of the command maps to; NO_SERVER, KEYS_DIFFER or NO_KEY otherwise. */
  private serverOf(command: RedisCommand, kind: number, args: RequestScanner): number {
    const keys = this.keys;
    const count = keys.find(command, args, kind === Kind.PUBLISH || kind === Kind.SUBSCRIBE);
    const router = this.proxy.router;
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

  private keyed(command: RedisCommand, kind: number, args: RequestScanner): void {
    const server = this.serverOf(command, kind, args);
    if (server < 0) return this.local(this.routingError(server, command));
    const request = this.enqueue(command);
    this.sendShared(server, request, args.buffer.subarray(args.start, args.end));
  }

  private split(command: RedisCommand, args: RequestScanner, kind: number): void {
    const keyCount = this.keys.find(command, args);
    const servers = this.proxy.routeKeys(args, this.keys.indexes, keyCount);
    const groups = new Map<number, number[]>();
    for (let i = 0; i < keyCount; i++) {
      const server = servers[i]!;
      if (server === NO_SERVER) return this.local(NO_SERVER_REPLY);
      let slots = groups.get(server);
      if (slots === undefined) groups.set(server, (slots = []));
      slots.push(i);
    }
    if (groups.size === 1) {
      const [server] = groups.keys();
      return this.sendShared(server!, this.enqueue(command), args.buffer.subarray(args.start, args.end));
    }
    const request = new SplitRequest(this, this.proxy.commandMetrics.get(command), kind, keyCount);
    this.proxy.fragments.value += groups.size;
    this.queue.push(request);
    const step = kind === Kind.MSET ? 2 : 1;
    for (const [server, slots] of groups) {
      const indexes = [0];
      for (const slot of slots) for (let j = 0; j < step; j++) indexes.push(this.keys.indexes[slot]! + j);
      const state = this.proxy.pool.servers[server]!;
      this.proxy.pool.connection(server, this.id).send(request.fragment(slots, state.metrics), encodeCommand(args, indexes));
    }
  }

  private localCommand(command: RedisCommand, args: RequestScanner): void {
    const name = command.name;
    if (name === 'reset') return this.resetState();
    const answer = answerLocally(name, args, this);
    if (answer === null) {
      // COMMAND, COMMAND INFO/DOCS/LIST: the same on every server; ask any live one.
      const server = this.proxy.anyLiveServer();
      if (server === NO_SERVER) return this.local(NO_SERVER_REPLY);
      return this.sendShared(server, this.enqueue(command), args.buffer.subarray(args.start, args.end));
    }
    if (name === 'auth' || name === 'hello') this.scanner.requireAuth = !this.authenticated;
    this.local(answer, command);
    if (name === 'quit') this.finishAfterReplies();
  }

  private transactionCommand(command: RedisCommand, args: RequestScanner): void {
    const bytes = args.buffer.subarray(args.start, args.end);
    const tx = this.transaction;
    switch (command.name) {
      case 'multi':
        if (tx !== null) return this.local(errorReply('ERR MULTI calls can not be nested'));
        this.transaction = { server: -1, aborted: false, waiting: [] };
        if (this.watching >= 0) this.beginOn(this.watching);
        return this.local(OK_REPLY, command);
      case 'exec':
      case 'discard': {
        if (tx === null) return this.local(errorReply(`ERR ${command.name.toUpperCase()} without MULTI`));
        this.transaction = null;
        this.watching = -1;
        if (tx.aborted) {
          if (tx.server >= 0) this.pinned!.connection.send(new InternalRequest(), DISCARD);
          return this.local(command.name === 'exec' ? errorReply('EXECABORT Transaction discarded because of previous errors.') : OK_REPLY, command);
        }
        if (tx.server < 0 && tx.waiting.length === 0) return this.local(command.name === 'exec' ? Buffer.from('*0\r\n') : OK_REPLY, command);
        if (tx.server < 0) {
          // Only keyless commands: any live server runs them.
          const server = this.proxy.anyLiveServer();
          if (server === NO_SERVER) return this.local(NO_SERVER_REPLY);
          this.transaction = tx;
          this.beginOn(server);
          this.transaction = null;
        }
        return this.pinned!.connection.send(this.enqueue(command), bytes);
      }
      case 'watch': {
        if (tx !== null) return this.local(errorReply('ERR WATCH inside MULTI is not allowed'));
        const server = this.serverOf(command, Kind.TRANSACTION, args);
        if (server < 0) return this.local(this.routingError(server, command));
        if (this.watching >= 0 && this.watching !== server) return this.local(CROSS_SERVER(command.name));
        this.watching = server;
        return this.pin(server).connection.send(this.enqueue(command), bytes);
      }
      default: // unwatch
        if (tx !== null) return this.inTransaction(command, args);
        this.watching = -1;
        if (this.pinned === null) return this.local(OK_REPLY, command);
        return this.pinned.connection.send(this.enqueue(command), bytes);
    }
  }

  /** A command between MULTI and EXEC: queued on the transaction's server, which its keys must match. */
  private inTransaction(command: RedisCommand, args: RequestScanner): void {
    const tx = this.transaction!;
    const bytes = args.buffer.subarray(args.start, args.end);
    const kind = commandKind(command);
    if (kind === Kind.SUBSCRIBE) {
      tx.aborted = true;
      return this.local(errorReply(`ERR '${command.name}' inside MULTI is not supported in proxy mode`));
    }
    const server = this.serverOf(command, kind, args);
    if (server === NO_KEY) {
      // Keyless (PING, TIME…): runs on the transaction's server, once there is one.
      const request = this.enqueue(command);
      if (tx.server >= 0) return this.pinned!.connection.send(request, bytes);
      tx.waiting.push({ request, bytes });
      return;
    }
    if (server < 0 || (tx.server >= 0 && server !== tx.server)) {
      tx.aborted = true;
      return this.local(server === NO_SERVER ? NO_SERVER_REPLY : CROSS_SERVER(command.name));
    }
    if (tx.server < 0) this.beginOn(server);
    this.pinned!.connection.send(this.enqueue(command), bytes);
  }

  /** Sends the deferred MULTI, then the keyless commands that waited for a server. */
  private beginOn(server: number): void {
    const tx = this.transaction!;
    tx.server = server;
    const connection = this.pin(server).connection;
    connection.send(new InternalRequest(), MULTI);
    for (const { request, bytes } of tx.waiting) connection.send(request, bytes);
    tx.waiting = [];
  }

  private blocking(command: RedisCommand, args: RequestScanner): void {
    const server = this.serverOf(command, Kind.BLOCKING, args);
    if (server < 0) return this.local(this.routingError(server, command));
    const request = this.enqueue(command);
    // Redis runs nothing else of a blocked client; neither do we, so later commands keep their order.
    this.barrier = request;
    this.pin(server).connection.send(request, args.buffer.subarray(args.start, args.end));
  }

  private subscribe(command: RedisCommand, args: RequestScanner): void {
    const name = command.name;
    const bytes = args.buffer.subarray(args.start, args.end);
    const unsubscribing = name.endsWith('unsubscribe');
    if (unsubscribing) {
      if (!this.subscribed || this.pinned === null) {
        return this.local(Buffer.from(`*3\r\n$${name.length}\r\n${name}\r\n$-1\r\n:0\r\n`), command);
      }
      return this.pinned.connection.write(bytes);
    }
    let server: number;
    if (name === 'psubscribe') {
      if (this.proxy.pool.servers.length > 1) {
        return this.local(errorReply('ERR PSUBSCRIBE cannot be honoured in proxy mode: a pattern matches channels on every server'));
      }
      server = 0;
    } else {
      server = this.channelsServer(args);
      if (server < 0) return this.local(this.routingError(server, command));
    }
    if (this.subscribed) {
      if (this.pinned!.server !== server) return this.local(CROSS_SERVER(name));
      return this.pinned!.connection.write(bytes);
    }
    // Every message becomes a finished entry of the reply queue, so the stream
    // starts only after the replies of the commands sent before it.
    const pinned = this.pin(server);
    this.subscribed = true;
    pinned.startStreaming(
      (message) => this.local(message),
      () => {
        this.subscribed = false;
      },
    );
    pinned.connection.write(bytes);
  }

  /** Every channel of a (S)SUBSCRIBE hashed like a key; they must share a server. */
  private channelsServer(args: RequestScanner): number {
    const router = this.proxy.router;
    const first = router.route(args.buffer, args.argStart[1]!, args.argEnd[1]!);
    for (let i = 2; i < args.argc; i++) if (router.route(args.buffer, args.argStart[i]!, args.argEnd[i]!) !== first) return KEYS_DIFFER;
    return first;
  }

  private pin(server: number): PinnedConnection {
    if (this.pinned !== null && this.pinned.server === server) return this.pinned;
    this.pinned?.close();
    const spec = this.proxy.pool.servers[server]!.spec;
    this.pinned = new PinnedConnection(server, spec, this.proxy.connectionOptions, () => {
      // The dedicated connection broke: its transaction, watch and subscriptions are gone with it.
      this.transaction = null;
      this.watching = -1;
      this.pinned = null;
      if (this.subscribed) {
        this.subscribed = false;
        this.finishAfterReplies();
      }
    });
    return this.pinned;
  }

  private resetState(): void {
    this.pinned?.close();
    this.pinned = null;
    this.transaction = null;
    this.watching = -1;
    this.subscribed = false;
    this.name = null;
    this.authenticated = this.password === undefined;
    this.scanner.requireAuth = !this.authenticated;
    this.local(Buffer.from('+RESET\r\n'));
  }

  private sendShared(server: number, request: ClientRequest, bytes: Buffer): void {
    const state = this.proxy.pool.servers[server]!;
    request.server = state.metrics;
    this.proxy.pool.connection(server, this.id).send(request, bytes);
  }

  private enqueue(command: RedisCommand): ClientRequest {
    const request = new ClientRequest(this, this.proxy.commandMetrics.get(command));
    this.queue.push(request);
    return request;
  }

  /** A reply padda makes itself, in its place in the order. */
  private local(answer: Buffer, command?: RedisCommand): void {
    const request = new ClientRequest(this, command ? this.proxy.commandMetrics.get(command) : null);
    this.queue.push(request);
    request.finish(answer);
  }

  private routingError(code: number, command: RedisCommand): Buffer {
    if (code === NO_SERVER) return NO_SERVER_REPLY;
    if (code === KEYS_DIFFER) return CROSS_SERVER(command.name);
    return errorReply(`ERR unsupported command '${command.name}' in proxy mode: it names no key to route by`);
  }

  private push(answer: Buffer): void {
    if (this.closed || answer.length === 0) return;
    this.out.push(answer);
    this.outBytes += answer.length;
    scheduleFlush(this);
  }

  private maybeEnd(): void {
    if (this.closing && !this.closed && this.queue.length === 0 && this.out.length === 0 && !this.subscribed) this.socket.end();
  }

  private onClose(): void {
    this.closed = true;
    this.pinned?.close();
    this.proxy.clientClosed(this, this.socket);
  }
}

function unknownCommand(args: RequestScanner): Buffer {
  const name = args.buffer.subarray(args.argStart[0]!, args.argEnd[0]!).toString('utf8');
  let rest = '';
  for (let i = 1; i < args.argc && rest.length < 128; i++) rest += `'${args.buffer.subarray(args.argStart[i]!, args.argEnd[i]!).toString('utf8')}' `;
  return errorReply(`ERR unknown command '${name}', with args beginning with: ${rest}`);
}
