import type { CommandMetricsTable, CommandSeries } from '../../metrics/command-metrics.ts';
import { decodeBase64Key, Expect, replies, RequestKind, type ScannedRequest } from '../../protocols/memcache/index.ts';
import { NO_LIVE_SERVER } from '../../upstream/errors.ts';
import { NO_SERVER, type PoolRouter } from '../../upstream/pool-router.ts';
import type { ServerPool } from '../../upstream/server-pool.ts';
import { Broadcast } from './broadcast.ts';
import type { MemcacheClient } from './memcache-client.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';
import { MemcacheRequest } from './memcache-request.ts';
import { MultiGet } from './multi-get.ts';

const NO_SERVER_REPLY = replies.serverError(NO_LIVE_SERVER);

/**
 * Decides what happens to each scanned request of a listener's clients:
 * answered locally, forwarded whole to the server owning its key, split
 * over servers (multi-get), sent to all (flush_all, verbosity), or joined
 * to a quiet run. Shared by all clients of a listener; holds no client state.
 */
export class Dispatcher {
  readonly pool: ServerPool<MemcacheInFlight>;
  readonly #router: PoolRouter;
  readonly #commands: CommandMetricsTable<RequestKind>;
  readonly #version: Buffer;
  /** A multi-get's key spans and their servers; grow with the longest seen. */
  #spans = new Uint32Array(128);
  #routes = new Int32Array(64);
  /** A base64 key (meta `b`) decoded: memcached stores, and so padda routes, the decoded bytes. */
  readonly #decodedKey = Buffer.allocUnsafe(256);

  constructor(pool: ServerPool<MemcacheInFlight>, router: PoolRouter, commands: CommandMetricsTable<RequestKind>, version: string) {
    this.pool = pool;
    this.#router = router;
    this.#commands = commands;
    this.#version = replies.versionReply(version);
  }

  dispatch(client: MemcacheClient, request: ScannedRequest): void {
    const kind = request.kind;
    const command = this.#commands.get(kind);
    command.calls.value++;
    // Anything but another quiet request ends the open quiet run, so that a
    // later quiet request cannot have its reply placed before this one's.
    if (request.expect !== Expect.quiet) client.closeQuietRun();
    switch (kind) {
      case RequestKind.invalid:
        client.answer(command, request.reply);
        // Input memcached closes on: a protocol error, which nutcracker counts as client_err.
        if (request.close) client.session.protocolError(null);
        return;
      case RequestKind.get:
      case RequestKind.gets:
      case RequestKind.gat:
      case RequestKind.gats:
        this.#retrieve(client, request, command);
        return;
      case RequestKind.mg:
      case RequestKind.ms:
      case RequestKind.md:
      case RequestKind.ma:
        if (request.expect === Expect.quiet) this.#quiet(client, request, command);
        else this.#forward(client, request, command, this.#route(request, 0));
        return;
      case RequestKind.set:
      case RequestKind.add:
      case RequestKind.replace:
      case RequestKind.append:
      case RequestKind.prepend:
      case RequestKind.cas:
      case RequestKind.delete:
      case RequestKind.incr:
      case RequestKind.decr:
      case RequestKind.touch:
      case RequestKind.me:
        this.#forward(client, request, command, this.#route(request, 0));
        return;
      case RequestKind.mn:
        // Not forwarded: the client's MN goes out once everything before it
        // is answered, which is what a single memcached's MN means.
        client.answer(command, replies.MN);
        return;
      case RequestKind.version:
        client.answer(command, this.#version);
        return;
      case RequestKind.quit:
        client.session.finishAfterReplies();
        return;
      case RequestKind.flushAll:
      case RequestKind.verbosity:
        this.#broadcast(client, request, command);
        return;
      default: {
        // stats and server administration describe one server, not the pool.
        const name = request.buffer.toString('latin1', request.tokenStart(0), request.tokenEnd(0));
        client.answer(command, replies.serverError(`"${name}" is not supported through the proxy`));
      }
    }
  }

  #route(request: ScannedRequest, index: number): number {
    const start = request.keyStart(index);
    const end = request.keyEnd(index);
    if (!request.keyBase64) return this.#router.route(request.buffer, start, end);
    return this.#router.route(this.#decodedKey, 0, decodeBase64Key(request.buffer, start, end, this.#decodedKey));
  }

  /** The whole request to one server; `noreply` bytes go out with nothing queued for them. */
  #forward(client: MemcacheClient, request: ScannedRequest, command: CommandSeries, server: number): void {
    const expect = request.expect;
    if (server === NO_SERVER) {
      if (expect !== Expect.none) client.answer(command, NO_SERVER_REPLY);
      return;
    }
    const connection = this.pool.connection(server, client.session.id);
    const bytes = requestBytes(request);
    if (expect === Expect.none) {
      connection.write(bytes);
      return;
    }
    const forwarded = new MemcacheRequest(client.session, command, expect, this.pool.servers[server]!.metrics);
    client.session.push(forwarded);
    connection.send(forwarded, bytes);
  }

  /**
   * A meta `q` request joins the client's open quiet run when it goes to the
   * same server connection; otherwise it starts one. The run's `mn` is sent
   * when it closes (reply-boundary.ts explains why one per run suffices).
   */
  #quiet(client: MemcacheClient, request: ScannedRequest, command: CommandSeries): void {
    const server = this.#route(request, 0);
    if (server === NO_SERVER) {
      client.closeQuietRun();
      client.answer(command, NO_SERVER_REPLY);
      return;
    }
    const connection = this.pool.connection(server, client.session.id);
    const bytes = requestBytes(request);
    const run = client.quietRunOn(connection);
    if (run !== null) {
      run.requests++;
      connection.write(bytes);
      return;
    }
    client.closeQuietRun();
    const entry = new MemcacheRequest(client.session, command, Expect.quiet, this.pool.servers[server]!.metrics);
    client.session.push(entry);
    connection.send(entry, bytes);
    client.startQuietRun(entry, connection);
  }

  /**
   * Every key on one server: forwarded as is; else split by server and
   * merged. A multi-get's keys are routed in one call of the hash core,
   * which pays its call cost per batch, not per key.
   */
  #retrieve(client: MemcacheClient, request: ScannedRequest, command: CommandSeries): void {
    const count = request.keyCount;
    if (count === 0) {
      // `gat <exptime>` without a key: memcached answers a bare END, and so
      // does padda (the batch below would route nothing and pick no server).
      client.answer(command, replies.END);
      return;
    }
    if (count === 1) {
      this.#forward(client, request, command, this.#route(request, 0));
      return;
    }
    if (this.#routes.length < count) {
      this.#spans = new Uint32Array(count * 4);
      this.#routes = new Int32Array(count * 2);
    }
    const spans = this.#spans;
    for (let i = 0; i < count; i++) {
      spans[i * 2] = request.keyStart(i);
      spans[i * 2 + 1] = request.keyEnd(i);
    }
    const routes = this.#router.routeBatch(request.buffer, spans, count, this.#routes);
    const first = routes[0]!;
    let oneServer = true;
    for (let i = 1; i < count && oneServer; i++) oneServer = routes[i] === first;
    if (oneServer) {
      this.#forward(client, request, command, first);
      return;
    }
    const get = new MultiGet(client.session, request, command, routes, this.pool);
    client.session.push(get);
    get.send(this.pool, client.session.id);
  }

  #broadcast(client: MemcacheClient, request: ScannedRequest, command: CommandSeries): void {
    const bytes = requestBytes(request);
    const servers = this.pool.servers.length;
    if (request.expect === Expect.none) {
      for (let server = 0; server < servers; server++) this.pool.connection(server, client.session.id).write(bytes);
      return;
    }
    const broadcast = new Broadcast(client.session, command, this.pool);
    client.session.push(broadcast);
    broadcast.send(this.pool, client.session.id, bytes);
  }
}

/** The request's bytes, as they arrived; a one-request chunk (every unpipelined client) is sent as is. */
function requestBytes(request: ScannedRequest): Buffer {
  const buffer = request.buffer;
  return request.start === 0 && request.end === buffer.length ? buffer : buffer.subarray(request.start, request.end);
}
