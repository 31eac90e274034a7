import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import { UPGRADE, X_REQUEST_ID } from '../../protocols/http1/field-names.ts';
import { isIdempotent } from '../../protocols/http1/methods.ts';
import { CHUNKED, NO_BODY, type MessageHead } from '../../protocols/http1/message-head.ts';
import { deadlines, type Expiring } from '../../net/deadlines.ts';
import { splice } from '../../net/splice.ts';
import { BAD_RESPONSE, BODY_TIMEOUT, CLIENT_CLOSED, NO_UPSTREAM, POOL_TIMEOUT, RESET, RESPONSE_TIMEOUT, TOTAL_TIMEOUT, type Failure } from '../errors.ts';
import type { BodyConsumer, ClientResponse, HttpRequest, ResponseOwner } from '../message.ts';
import type { Origin } from '../upstream/origin.ts';
import type { UpstreamConnection, UpstreamHandler } from '../upstream/upstream-connection.ts';
import type { ProxyOptions } from './proxy-options.ts';
import { answerRefusal } from './refusal.ts';
import type { TargetPicker } from './target-picker.ts';
import { upstreamHead, upstreamHost } from './upstream-head.ts';

/** What an exchange needs of the proxy that made it (proxy.ts). */
export interface ExchangeHost {
  readonly picker: TargetPicker;
  readonly options: ProxyOptions;
  /** An answer went out in full. */
  answered(status: number, started: number): void;
  /** padda answered with its own error, or cut the client. */
  failed(failure: Failure, started: number): void;
  /** The client left first. */
  abandoned(): void;
  retried(): void;
}

// Where an exchange stands.
/** Reading the first of the request body: a request with a body waits for it before it takes a connection. */
const READING = 0;
/** Waiting in its origin's pool queue. */
const QUEUED = 1;
/** A connection is being opened for it. */
const CONNECTING = 2;
/** Writing the request body upstream. */
const SENDING = 3;
/** The request is sent; waiting for the answer's head. */
const WAITING = 4;
/** Passing the answer's body on. */
const RELAYING = 5;
/** Over: answered, failed, or its client left. */
const DONE = 6;

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/**
 * One client request on its way through an upstream: the request body's
 * consumer, the answer's owner, and the upstream connection's handler, in
 * one object, so the hot path creates no closure. It
 * - holds a body's first `body_buffer` bytes (all of a smaller body) before
 *   it takes an upstream connection, so a client uploading slowly does not
 *   hold one while its body trickles in (nginx buffers bodies likewise);
 * - takes a connection from the picked origin's pool (which may queue it,
 *   for up to `pool.queue_timeout`), writes the head and body, and streams
 *   the answer back, with backpressure both ways;
 * - tries again (another pick) an idempotent request whose connection
 *   failed before any of it reached the upstream, or whose reused
 *   keep-alive connection the upstream closed before answering;
 * - answers 502/503/504 with x-padda-error when the upstream fails before
 *   its answer began, and cuts the client when it fails after;
 * - lets go of everything at once when the client leaves (an HTTP/2 stream
 *   reset too): a queued request leaves the queue, a connection in use is
 *   closed.
 * Its deadlines (queue, answer head, body stall, total) are one field.
 */
export class Exchange implements BodyConsumer, ResponseOwner, UpstreamHandler, Expiring {
  deadline = 0;
  deadlineSlot = -1;
  readonly method: string;
  readonly upgrading: boolean;
  private readonly proxy: ExchangeHost;
  private readonly request: HttpRequest;
  private readonly response: ClientResponse;
  private readonly path: string;
  private readonly authority: string | null;
  private readonly started: number;
  private readonly totalDeadline: number;
  /** The request id padda answers with and sends (the client's own, or a new UUID; '' with request_id off and none sent). */
  private readonly requestId: string;
  private readonly clientRequestId: boolean;
  private phase = READING;
  private origin: Origin | null = null;
  private connection: UpstreamConnection | null = null;
  private attempt = 0;
  /** The current attempt's end was told to the picker (or there is none). */
  private released = true;
  private status = 0;
  /** The body goes up in chunks padda writes (it came chunked, or as an HTTP/2 stream of unknown length). */
  private readonly chunkedBody: boolean;
  /** Body bytes held until a connection is there. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private bodyEnded: boolean;
  /** The whole request, body included, reached the upstream connection. */
  private requestSent = false;
  /** The client's body is paused: the hold is full, or the upstream's socket is. */
  private sourcePaused = false;

  constructor(proxy: ExchangeHost, request: HttpRequest, response: ClientResponse, path: string, authority: string | null) {
    this.proxy = proxy;
    this.request = request;
    this.response = response;
    this.path = path;
    this.authority = authority;
    this.method = request.method;
    this.upgrading = request.head.upgrade && request.body === NO_BODY && !request.http2 && !isH2c(request);
    this.chunkedBody = request.body === CHUNKED;
    this.bodyEnded = request.body === NO_BODY;
    this.started = performance.now();
    const total = proxy.options.totalTimeout;
    this.totalDeadline = total > 0 ? deadlines.now + total : Infinity;
    const sent = request.head.find(X_REQUEST_ID);
    this.clientRequestId = sent >= 0;
    this.requestId = sent >= 0 ? request.head.value(sent) : proxy.options.requestId ? randomUUID() : '';
    if (request.access !== null && this.requestId !== '') request.access.requestId = this.requestId;
    response.attach(this);
  }

  start(): void {
    this.arm(Infinity);
    if (this.bodyEnded) this.send();
    else this.request.source.consume(this);
  }

  // The request body, from the client.

  bodyData(chunk: Buffer): boolean {
    const phase = this.phase;
    // An answer that began before the body was sent ends the request there; the client connection closes after it.
    if (phase >= WAITING) return true;
    if (phase === SENDING) return this.pauseUnless(this.writeBody(chunk));
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < this.proxy.options.bodyBuffer) return true;
    if (this.phase === READING) this.send();
    if (this.phase === SENDING) return !this.sourcePaused;
    return this.pauseUnless(this.phase === DONE);
  }

  bodyEnd(): void {
    this.bodyEnded = true;
    if (this.phase === READING) this.send();
    else if (this.phase === SENDING) this.endBody();
  }

  bodyAborted(): void {
    // The client broke off its body; its connection answers (or cuts) it.
    if (this.phase !== DONE) this.abandon(false);
  }

  // The answer's client.

  drained(): void {
    this.connection?.resume();
  }

  clientClosed(): void {
    if (this.phase !== DONE) this.abandon(true);
  }

  // The upstream.

  private send(): void {
    const origin = this.proxy.picker.pick(this.request, this.attempt);
    if (origin === null) {
      this.fail(NO_UPSTREAM);
      return;
    }
    this.origin = origin;
    this.released = false;
    this.request.access?.sentUpstream(origin.label);
    this.phase = QUEUED;
    this.arm(this.proxy.options.queueTimeout);
    origin.pool.acquire(this);
  }

  opening(connection: UpstreamConnection): void {
    this.phase = CONNECTING;
    this.connection = connection;
    // The connection has its own connect timeout; only the total one runs here.
    this.arm(Infinity);
  }

  connected(connection: UpstreamConnection): void {
    if (this.phase === DONE) {
      connection.giveBack();
      return;
    }
    this.connection = connection;
    this.phase = SENDING;
    const host = upstreamHost(this.request, this.authority, this.origin!.host, this.proxy.options.preserveHost);
    const bytes = upstreamHead(this.request, this.path, this.authority, host, this.requestId, this.clientRequestId, this.chunkedBody, this.upgrading);
    const held = this.held;
    let more = true;
    if (held.length === 0) {
      // The common GET: one write, no cork.
      more = connection.write(bytes);
      if (this.bodyEnded) this.endBody();
    } else {
      const socket = connection.socket;
      socket.cork();
      connection.write(bytes);
      this.held = [];
      this.heldBytes = 0;
      for (const chunk of held) more = this.writeBody(chunk);
      if (this.bodyEnded) this.endBody();
      socket.uncork();
    }
    if (!this.bodyEnded) {
      this.arm(Infinity);
      if (more && this.sourcePaused) this.resumeSource();
    }
  }

  connectFailed(failure: Failure, error: Error | null): void {
    this.connection = null;
    this.upstreamFailed(failure, error);
  }

  responseHead(head: MessageHead, framing: number): void {
    if (this.phase === DONE) return;
    this.origin!.answered();
    this.status = head.status;
    this.request.access?.upstreamAnswered();
    let fields: string[] | null = null;
    const picker = this.proxy.picker;
    if (picker.respond !== undefined) picker.respond(this.request, head.status, (fields = []));
    if (!this.response.relay(head, framing, fields)) {
      this.connection!.destroy();
      this.connection = null;
      this.release(BAD_RESPONSE);
      this.fail(BAD_RESPONSE);
      return;
    }
    this.phase = RELAYING;
    this.arm(this.proxy.options.bodyTimeout);
  }

  responseData(chunk: Buffer): void {
    if (this.phase !== RELAYING) return;
    this.deadline = Math.min(deadlines.now + this.proxy.options.bodyTimeout, this.totalDeadline);
    this.proxy.picker.body?.(this.request, chunk);
    if (!this.response.write(chunk)) this.connection!.pause();
  }

  responseEnd(trailers: Buffer | null): void {
    if (this.phase === DONE) return;
    this.phase = DONE;
    deadlines.untrack(this);
    // An answer that came before the whole request went up leaves the connection unusable.
    if (!this.requestSent) this.connection?.destroy();
    this.connection = null;
    this.release(null);
    this.response.end(trailers);
    this.proxy.answered(this.status, this.started);
    this.proxy.picker.finish?.(this.request, this.status, null, this.started);
  }

  upstreamFailed(failure: Failure, error: Error | null): void {
    if (this.phase === DONE) return;
    const connection = this.connection;
    const sent = this.phase >= SENDING;
    this.connection = null;
    this.release(failure);
    this.origin!.requestFailed(failure, error);
    if (this.mayRetry(failure, sent, connection)) {
      this.attempt++;
      this.requestSent = false;
      this.proxy.retried();
      this.send();
      return;
    }
    this.fail(failure);
  }

  switched(head: MessageHead, socket: net.Socket, early: Buffer): void {
    if (this.phase === DONE) {
      socket.destroy();
      return;
    }
    this.phase = DONE;
    deadlines.untrack(this);
    this.connection = null;
    this.origin!.answered();
    this.status = head.status;
    this.request.access?.upstreamAnswered();
    // The switch ends the attempt for the picker: from here the two sockets are spliced.
    this.release(null);
    const client = this.response.switchProtocols(head);
    this.proxy.answered(head.status, this.started);
    this.proxy.picker.finish?.(this.request, head.status, null, this.started);
    if (client === null) {
      socket.destroy();
      return;
    }
    if (early.length > 0) client.socket.write(early);
    if (client.early.length > 0) socket.write(client.early);
    const origin = this.origin!;
    splice(client.socket, socket, 0, { upstreamError: (error) => origin.failed('upstream_reset', error) });
  }

  readDone(): void {
    if (this.phase === RELAYING) this.response.flush();
  }

  upstreamDrained(): void {
    if (this.sourcePaused && this.phase === SENDING) this.resumeSource();
  }

  expire(): void {
    if (this.phase === DONE) return;
    if (deadlines.now >= this.totalDeadline) this.timedOut(TOTAL_TIMEOUT);
    else if (this.phase === QUEUED) this.timedOut(POOL_TIMEOUT);
    else if (this.phase === WAITING) this.timedOut(RESPONSE_TIMEOUT);
    else if (this.phase === RELAYING) this.timedOut(BODY_TIMEOUT);
  }

  // Inside.

  private writeBody(chunk: Buffer): boolean {
    const connection = this.connection!;
    this.proxy.picker.requestBody?.(this.request, chunk);
    if (!this.chunkedBody) return connection.write(chunk);
    // An empty chunk would be the last one.
    if (chunk.length === 0) return true;
    connection.write(`${chunk.length.toString(16)}\r\n`);
    connection.write(chunk);
    return connection.write(CRLF);
  }

  private endBody(): void {
    if (this.request.body !== NO_BODY) this.proxy.picker.requestEnd?.(this.request);
    if (this.chunkedBody) this.connection!.write(LAST_CHUNK);
    this.phase = WAITING;
    this.requestSent = true;
    this.arm(this.proxy.options.responseTimeout);
    this.connection!.requestSent();
  }

  /** A body consumer's answer: false (and the source paused) unless `more`. */
  private pauseUnless(more: boolean): boolean {
    if (!more) this.sourcePaused = true;
    return more;
  }

  private resumeSource(): void {
    this.sourcePaused = false;
    this.request.source.resume();
  }

  /**
   * Whether a failed attempt is tried again: an idempotent request, and
   * either nothing of it reached the upstream, or it went out whole on a
   * reused keep-alive connection that the upstream closed before answering
   * (the race of a keep-alive close: the upstream never read it).
   */
  private mayRetry(failure: Failure, sent: boolean, connection: UpstreamConnection | null): boolean {
    if (this.attempt >= this.proxy.options.retries || !isIdempotent(this.method) || this.status !== 0) return false;
    if (!sent) return failure.connect;
    return failure === RESET && connection !== null && connection.reused && this.request.body === NO_BODY;
  }

  /** A deadline passed: the connection (or place in the queue) is let go and the client answered or cut. */
  private timedOut(failure: Failure): void {
    this.letGo();
    this.release(failure);
    if (failure.error !== null && failure !== TOTAL_TIMEOUT) this.origin?.requestFailed(failure, null);
    this.fail(failure);
  }

  /** The client left or broke off its body: everything held for it is let go. */
  private abandon(left: boolean): void {
    this.letGo();
    this.phase = DONE;
    deadlines.untrack(this);
    this.release(CLIENT_CLOSED);
    if (left) this.proxy.abandoned();
    this.proxy.picker.finish?.(this.request, 0, CLIENT_CLOSED.reason, this.started);
  }

  /** Leaves the pool's queue, or lets an opening connection idle, or closes one in use. */
  private letGo(): void {
    const connection = this.connection;
    this.connection = null;
    if (this.phase === QUEUED) this.origin!.pool.abandon(this, null);
    else if (this.phase === CONNECTING) this.origin!.pool.abandon(this, connection);
    else connection?.destroy();
  }

  /** Ends the exchange with padda's own answer, or by cutting the client if the upstream's answer had begun. */
  private fail(failure: Failure): void {
    this.phase = DONE;
    deadlines.untrack(this);
    const response = this.response;
    const status = response.headersSent ? this.status : failure.status;
    // Before the answer or cut, which write the access line.
    if (this.request.access !== null) this.request.access.error = failure.reason;
    if (response.headersSent) response.cut();
    else answerRefusal(response, failure, this.requestId);
    this.proxy.failed(failure, this.started);
    this.proxy.picker.finish?.(this.request, status, failure.reason, this.started);
  }

  /** Tells the picker the current attempt is over (null: answered in full), once per attempt. */
  private release(failure: Failure | null): void {
    if (this.released) return;
    this.released = true;
    this.proxy.picker.release?.(this.request, this.origin!, this.status, failure);
  }

  /** The deadline of the current phase (ms from now; Infinity or 0 for none), bounded by the total one. */
  private arm(ms: number): void {
    const deadline = Math.min(ms === 0 ? Infinity : deadlines.now + ms, this.totalDeadline);
    this.deadline = deadline;
    if (deadline === Infinity) deadlines.untrack(this);
    else deadlines.track(this);
  }
}

/** `Upgrade: h2c` is ignored, as RFC 9113 §3.1 lets a server do: the request is answered as HTTP/1.1. */
function isH2c(request: HttpRequest): boolean {
  return request.head.get('upgrade', UPGRADE)?.trim().toLowerCase() === 'h2c';
}
