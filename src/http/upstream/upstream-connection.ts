import net from 'node:net';
import tls from 'node:tls';
import { ChunkedDecoder } from '../../protocols/http1/chunked-decoder.ts';
import { KEEP_ALIVE } from '../../protocols/http1/field-names.ts';
import { responseBody } from '../../protocols/http1/framing.ts';
import { FAILED, HeadScanner, NEED_MORE, RESPONSE } from '../../protocols/http1/head-scanner.ts';
import { DEFAULT_HEAD_LIMITS } from '../../protocols/http1/limits.ts';
import { CHUNKED, LENGTH, NO_BODY, UNTIL_CLOSE, type MessageHead } from '../../protocols/http1/message-head.ts';
import type { Deadlines, Expiring } from '../../net/deadlines.ts';
import { BAD_RESPONSE, CLOSING, CONNECT_TIMEOUT, RESET, socketFailure, type Failure } from '../errors.ts';

/** What a connection needs of the pool it belongs to (connection-pool.ts). */
export interface ConnectionOwner {
  readonly deadlines: Deadlines;
  /** ms an idle connection is kept. */
  readonly idleTimeout: number;
  readonly connectTimeout: number;
  /** It connected, for `handler` (null: nobody waits for it any more). */
  connected(connection: UpstreamConnection, handler: UpstreamHandler | null): void;
  /** It finished a request and can take another. */
  released(connection: UpstreamConnection): void;
  /** It closed, or was handed over by an upgrade. */
  removed(connection: UpstreamConnection): void;
}

/**
 * Whoever has a connection for one request — a proxied exchange, a shadow
 * copy — and hears how it goes. Exactly one of connectFailed, responseEnd,
 * upstreamFailed or switched ends it.
 */
export interface UpstreamHandler {
  /** The request's method (a HEAD answer has no body). */
  readonly method: string;
  /** It asked to switch protocols: a 101 is its answer, and the socket is handed over. */
  readonly upgrading: boolean;
  /** A connection is being opened for it (a connect timeout is the connection's own). */
  opening(connection: UpstreamConnection): void;
  /** It has the connection: write the request. */
  connected(connection: UpstreamConnection): void;
  /** No connection: nothing of the request was written. */
  connectFailed(failure: Failure, error: Error | null): void;
  responseHead(head: MessageHead, framing: number): void;
  responseData(chunk: Buffer): void;
  /** The answer is complete; the connection is already back in its pool (or closed). */
  responseEnd(trailers: Buffer | null): void;
  /** The connection failed after it was given. */
  upstreamFailed(failure: Failure, error: Error | null): void;
  /** The upstream answered 101 to an upgrade: the socket is the handler's now, with what came after the head. */
  switched(head: MessageHead, socket: net.Socket, early: Buffer): void;
  /** The upstream socket drained a write that returned false. */
  upstreamDrained(): void;
  /** An upstream read that brought part of the answer (and not its end) has been handed on. */
  readDone(): void;
}

// Where a connection stands.
const CONNECTING = 0;
const IDLE = 1;
const BUSY = 2;
const CLOSED = 3;

/**
 * Where every plain upstream socket reads (node's `onread`), each read then
 * copied out at its own size (read()). A socket read the stream way gets a
 * 64 KiB allocation per read and node's Readable push and 'data' emit; this
 * way costs a copy. A 60-line proxy probe, 3 paired wrk runs: 27-38 µs of
 * CPU per request against 37-43 µs the stream way.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** undici's keepAliveTimeoutThreshold: an upstream's `Keep-Alive: timeout=N` is trusted up to N less this, so padda never reuses a connection the upstream is closing. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * One keep-alive connection to an upstream, and the HTTP/1.1 client side
 * of it: it writes what its current handler gives it, scans the answer's
 * head, frames its body (Content-Length, chunked, until close; none for
 * HEAD, 1xx, 204, 304), and returns itself to its pool when the answer is
 * complete and both sides are willing to go on. Interim answers (100, 103)
 * are read past. Anything unexpected — bytes while idle, a second answer,
 * a malformed head — closes it: it is never reused in doubt.
 */
export class UpstreamConnection implements Expiring {
  deadline = 0;
  deadlineSlot = -1;
  readonly socket: net.Socket;
  /** It has carried a request before: a failure before any answer may be the upstream closing an idle connection. */
  reused = false;
  private readonly pool: ConnectionOwner;
  private state = CONNECTING;
  private handler: UpstreamHandler | null = null;
  private readonly scanner = new HeadScanner(RESPONSE, DEFAULT_HEAD_LIMITS);
  private decoder: ChunkedDecoder | null = null;
  private head: MessageHead | null = null;
  private framing = NO_BODY;
  private left = 0;
  private keepAlive = true;
  private requestDone = false;
  private responseDone = false;
  /** Handed over by an upgrade: reads go out as 'data' events to whoever spliced the socket. */
  private spliced = false;
  /** ms an idle connection is kept: the pool's, or less when the upstream's Keep-Alive says so. */
  private idleTimeout: number;

  constructor(pool: ConnectionOwner, options: net.NetConnectOpts | tls.ConnectionOptions, secure: boolean) {
    this.pool = pool;
    this.idleTimeout = pool.idleTimeout;
    const socket = secure
      ? tls.connect(options as tls.ConnectionOptions)
      : net.connect({ ...(options as net.NetConnectOpts), onread: { buffer: READ_BUFFER, callback: (length: number) => this.read(length) } });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once(secure ? 'secureConnect' : 'connect', () => this.opened());
    if (secure) socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.ended());
    socket.on('error', (error: Error) => this.failed(error));
    socket.on('close', () => this.closed());
    socket.on('drain', () => this.handler?.upstreamDrained());
    this.arm(pool.connectTimeout);
  }

  get connecting(): boolean {
    return this.state === CONNECTING;
  }

  /** Gives the connection to a handler for one request. */
  assign(handler: UpstreamHandler): void {
    this.handler = handler;
    this.state = BUSY;
    this.pool.deadlines.untrack(this);
    this.head = null;
    this.requestDone = false;
    this.responseDone = false;
    this.keepAlive = true;
  }

  /** Who a connection still connecting is for (null: nobody waits for it any more; it idles once connected). */
  promise(handler: UpstreamHandler | null): void {
    this.handler = handler;
  }

  write(bytes: Buffer | string): boolean {
    return this.socket.write(bytes as Buffer);
  }

  /** The whole request has been written: once the answer is in too, the connection can serve another. */
  requestSent(): void {
    this.requestDone = true;
    if (this.responseDone && this.state === BUSY) this.finish();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Returns a connection it was given, unused, to the pool (its handler no longer wants it). */
  giveBack(): void {
    this.handler = null;
    this.pool.released(this);
  }

  /** Closes it now, whatever it was doing; its handler is not told (it asked). */
  destroy(): void {
    this.handler = null;
    this.close();
  }

  /** Parks it idle (its pool does), with its idle timeout. */
  idle(): void {
    this.state = IDLE;
    this.arm(this.idleTimeout);
  }

  private opened(): void {
    if (this.state !== CONNECTING) return;
    this.pool.deadlines.untrack(this);
    const handler = this.handler;
    this.handler = null;
    this.pool.connected(this, handler);
  }

  /**
   * A plain socket's read, in READ_BUFFER: copied out to a buffer of its
   * own, since a body chunk may wait in the client socket's queue and a head
   * may be kept, while the next read of any upstream overwrites the shared
   * one. After an upgrade the socket is spliced, which listens for 'data'.
   */
  private read(length: number): boolean {
    const chunk = Buffer.allocUnsafe(length);
    READ_BUFFER.copy(chunk, 0, 0, length);
    if (this.spliced) this.socket.emit('data', chunk);
    else this.received(chunk);
    // Reading goes on; a pause is asked for by socket.pause() (backpressure from the client).
    return true;
  }

  private received(chunk: Buffer): void {
    if (this.state !== BUSY || this.responseDone) {
      // Bytes nobody asked for: a connection that says more than it was asked is not reused.
      this.close();
      return;
    }
    let pos = 0;
    while (pos < chunk.length && this.state === BUSY && !this.responseDone) {
      if (this.head === null) {
        const at = this.scanner.scan(chunk, pos);
        if (at === NEED_MORE) return;
        if (at === FAILED) {
          this.fail(BAD_RESPONSE, null);
          return;
        }
        const head = this.scanner.head!;
        this.scanner.head = null;
        pos = this.headArrived(head, chunk, at);
        continue;
      }
      pos = this.bodyArrived(chunk, pos);
    }
    // Once per read, not per chunk of it: what the handler holds back for a next piece goes out now.
    if (this.head !== null && !this.responseDone) this.handler?.readDone();
  }

  /** A response head: an interim one is read past; a final one goes to the handler. Returns where its body starts. */
  private headArrived(head: MessageHead, chunk: Buffer, at: number): number {
    const handler = this.handler!;
    if (head.status < 200) {
      if (head.status === 101 && handler.upgrading) {
        this.switch(head, chunk.subarray(at));
        return chunk.length;
      }
      // 100 Continue and 103 Early Hints are not passed on; a 101 nobody asked for is no answer.
      if (head.status === 101) this.fail(BAD_RESPONSE, null);
      return at;
    }
    this.head = head;
    this.framing = responseBody(head, handler.method);
    // A request that asked to upgrade said `Connection: upgrade`: its connection is not reused whatever the answer.
    this.keepAlive = !head.close && !handler.upgrading && this.framing !== UNTIL_CLOSE;
    if (this.framing === LENGTH) this.left = head.contentLength;
    else if (this.framing === CHUNKED) (this.decoder ??= new ChunkedDecoder(DEFAULT_HEAD_LIMITS.maxHeadSize)).reset();
    const keepAliveField = head.find(KEEP_ALIVE);
    if (keepAliveField >= 0) this.idleTimeout = keepAliveTimeout(head.value(keepAliveField), this.pool.idleTimeout);
    handler.responseHead(head, this.framing);
    if (this.framing === NO_BODY && this.handler === handler) this.complete(null, at < chunk.length);
    return at;
  }

  private bodyArrived(chunk: Buffer, pos: number): number {
    const handler = this.handler!;
    if (this.framing === LENGTH) {
      const n = Math.min(this.left, chunk.length - pos);
      this.left -= n;
      handler.responseData(pos === 0 && n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
      if (this.left === 0 && this.handler === handler) this.complete(null, pos + n < chunk.length);
      return pos + n;
    }
    if (this.framing === CHUNKED) {
      const decoder = this.decoder!;
      const at = decoder.decode(chunk, pos, chunk.length);
      if (decoder.error !== null) {
        this.fail(BAD_RESPONSE, null);
        return chunk.length;
      }
      if (decoder.dataEnd > decoder.dataStart) handler.responseData(chunk.subarray(decoder.dataStart, decoder.dataEnd));
      if (decoder.done && this.handler === handler) this.complete(decoder.trailers, at < chunk.length);
      return at;
    }
    handler.responseData(pos === 0 ? chunk : chunk.subarray(pos));
    return chunk.length;
  }

  /**
   * The answer is complete: the connection goes back to its pool first (so
   * the next request can have it), then the handler hears. `more`: bytes
   * followed the answer, which nobody asked for: the connection is closed.
   */
  private complete(trailers: Buffer | null, more = false): void {
    const handler = this.handler!;
    this.responseDone = true;
    if (more) this.keepAlive = false;
    if (this.requestDone) this.finish();
    handler.responseEnd(trailers);
  }

  /** Request and answer are both done: reuse or close. */
  private finish(): void {
    this.handler = null;
    this.head = null;
    this.reused = true;
    // The answer's last chunk may have filled the client's buffer and paused this socket: the next request must be read.
    this.socket.resume();
    if (this.keepAlive && this.idleTimeout > 0) this.pool.released(this);
    else this.close();
  }

  private switch(head: MessageHead, early: Buffer): void {
    const handler = this.handler!;
    this.handler = null;
    this.state = CLOSED;
    const socket = this.socket;
    for (const event of ['data', 'end', 'error', 'close', 'drain']) socket.removeAllListeners(event);
    this.spliced = true;
    this.pool.removed(this);
    handler.switched(head, socket, early);
  }

  private ended(): void {
    if (this.state === BUSY && this.head !== null && this.framing === UNTIL_CLOSE && !this.responseDone) {
      this.complete(null);
      return;
    }
    if (this.state === BUSY && !this.responseDone) {
      this.fail(RESET, null);
      return;
    }
    this.close();
  }

  private failed(error: NodeJS.ErrnoException): void {
    this.fail(socketFailure(error, this.state === CONNECTING), error);
  }

  private fail(failure: Failure, error: Error | null): void {
    const handler = this.handler;
    const connecting = this.state === CONNECTING;
    this.handler = null;
    this.close();
    if (handler === null) return;
    if (connecting) handler.connectFailed(failure, error);
    else handler.upstreamFailed(failure, error);
  }

  private closed(): void {
    if (this.handler !== null) this.fail(this.state === CONNECTING ? CLOSING : RESET, null);
    else this.close();
  }

  private close(): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.pool.deadlines.untrack(this);
    this.socket.destroy();
    this.pool.removed(this);
  }

  expire(): void {
    if (this.state === CONNECTING) this.fail(CONNECT_TIMEOUT, null);
    else if (this.state === IDLE) this.close();
  }

  private arm(ms: number): void {
    const deadlines = this.pool.deadlines;
    this.deadline = deadlines.now + ms;
    deadlines.track(this);
  }
}

/** The idle time an upstream's `Keep-Alive: timeout=N` allows, capped by padda's own. */
function keepAliveTimeout(value: string, configured: number): number {
  const match = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i.exec(value);
  if (match === null) return configured;
  return Math.min(configured, Math.max(0, Number(match[1]) * 1000 - KEEP_ALIVE_MARGIN_MS));
}
