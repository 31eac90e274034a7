import type net from 'node:net';
import { ChunkedDecoder } from '../../protocols/http1/chunked-decoder.ts';
import { requestBody } from '../../protocols/http1/framing.ts';
import type { HeadError } from '../../protocols/http1/head-error.ts';
import { FAILED, HeadScanner, NEED_MORE, REQUEST } from '../../protocols/http1/head-scanner.ts';
import type { HeadLimits } from '../../protocols/http1/limits.ts';
import { CHUNKED, EXPECT_CONTINUE, LENGTH, NO_BODY, type MessageHead } from '../../protocols/http1/message-head.ts';
import type { AccessLog } from '../../logging/access-log.ts';
import type { AccessRecord } from '../../logging/access-record.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import { deadlines, type Expiring } from '../../net/deadlines.ts';
import { readShared } from '../../net/shared-read.ts';
import { rawErrorResponse } from '../errors.ts';
import { HttpRequest, type BodyConsumer, type BodySource, type ClientConnection, type ClientResponse, type RequestHandler, type ResponseOwner } from '../message.ts';
import { AS_SENT, http1Answer, http1Delivery, http1ResponseHead, RECHUNKED, UNTIL_CLOSE } from './http1-head.ts';

/** What every HTTP/1 connection of a listener shares: its handler, limits, timeouts, metrics, and whether it drains. */
export interface Http1Settings {
  readonly handler: RequestHandler;
  readonly limits: HeadLimits;
  /** A request head must be complete this long after its first byte (and a new connection's first head after accept). */
  readonly headerTimeout: number;
  /** An idle keep-alive connection closes after this. */
  readonly keepAliveTimeout: number;
  /** A request body may pause this long between two reads (nginx client_body_timeout). */
  readonly bodyTimeout: number;
  readonly metrics: ListenerMetrics;
  /** The listener's access log, or null. */
  readonly accessLog: AccessLog | null;
  /** Set once the listener drains: every answer from then on closes its connection. */
  readonly draining: boolean;
  /** The connection closed: its listener lets go of it. */
  forget(connection: Http1Connection): void;
}

// Where a connection stands.
/** Between requests, or before the first. */
const WAITING = 0;
/** Part of a request head has arrived. */
const HEAD = 1;
/** The request's body is arriving. */
const BODY = 2;
/** The request is read; its answer is being made. Later bytes (a pipelined request) wait. */
const ANSWERING = 3;
/** Closing or closed, or handed over (an upgrade). */
const DONE = 4;

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
/** A first body chunk up to this size is copied behind the head, so both leave in one write. */
const MERGE_LIMIT = 16 * 1024;
const EMPTY = Buffer.alloc(0);
/** After padda's answer to a request whose body it did not read, it keeps reading (and dropping) for this long before closing, so the client reads the answer rather than a reset (nginx's lingering close). */
const LINGER_MS = 2000;

/**
 * One HTTP/1.1 client connection: scans request heads, feeds each request's
 * body to whoever consumes it, and writes its answer — one request at a
 * time, so pipelined requests are answered in order (their bytes wait in
 * the socket buffer and in `held` while an answer is made). It is the
 * request's body source and its client response both, since only one
 * request is ever current.
 *
 * Bodies are delivered as they arrive (Content-Length or chunked, decoded)
 * with backpressure: a consumer that returns false pauses the socket until
 * it resumes. Answers are framed for the client: the upstream's
 * Content-Length passed on, or chunks padda writes; HTTP/1.0 clients get
 * close-delimited bodies. Timeouts (head, body, idle) are deadlines.
 */
export class Http1Connection implements BodySource, ClientResponse, Expiring {
  deadline = 0;
  deadlineSlot = -1;
  readonly socket: net.Socket;
  readonly client: ClientConnection;
  private readonly settings: Http1Settings;
  private readonly scanner: HeadScanner;
  private decoder: ChunkedDecoder | null = null;
  private phase = WAITING;
  /** Bytes that arrived and wait: the rest of a chunk while paused, or a pipelined request. */
  private held: Buffer | null = null;
  private processing = false;
  private requests = 0;
  /** The socket was handed over by an upgrade. */
  private handedOver = false;

  // The current request.
  private request: HttpRequest | null = null;
  private consumer: BodyConsumer | null = null;
  private owner: ResponseOwner | null = null;
  /** Its access-log record until its line is written. */
  private access: AccessRecord | null = null;
  private bodyLeft = 0;
  private bodyPaused = false;
  private continueDue = false;
  /** The connection ends after the current answer. */
  private closeAfter = false;

  // The current answer.
  headersSent = false;
  /** An answer's head not written yet (relay() holds it for the first body chunk). */
  private pendingHead: Buffer | null = null;
  private delivery = AS_SENT;
  private answered = false;

  constructor(socket: net.Socket, client: ClientConnection, settings: Http1Settings) {
    this.socket = socket;
    this.client = client;
    this.settings = settings;
    this.scanner = new HeadScanner(REQUEST, settings.limits);
    (socket as Served)[kConnection] = this;
    for (const [event, listener] of LISTENERS) socket.on(event, listener);
    // A plain socket reads into the buffer every socket shares (net/shared-read.ts), a TLS one by 'data' events.
    if (!readShared(socket, (bytes) => this.sharedRead(bytes))) socket.on('data', DATA_LISTENER);
    // A new connection has header_timeout to send its first request (nginx's client_header_timeout).
    this.arm(settings.headerTimeout);
  }

  /** Whether it waits between requests with nothing begun: a drain may close it. */
  get idle(): boolean {
    return this.phase === WAITING && !this.scanner.started && this.held === null;
  }

  /** Closes an idle connection (drain, or its idle timeout). */
  closeIdle(): void {
    this.finishSocket();
  }

  // Input.

  /**
   * A read of the shared buffer, copied out: a request's head and body
   * outlive the read (the head until the answer is done, body bytes while
   * they wait for an upstream connection). Once the socket is handed over
   * (an upgrade), reads go out as the 'data' events splice() listens for.
   */
  private sharedRead(bytes: Buffer): void {
    const chunk = Buffer.allocUnsafe(bytes.length);
    bytes.copy(chunk);
    if (this.handedOver) this.socket.emit('data', chunk);
    else this.received(chunk);
  }

  /** Socket reads. */
  received(chunk: Buffer): void {
    if (this.held !== null) {
      // Bytes still queued (paused): keep order.
      this.held = Buffer.concat([this.held, chunk]);
      return;
    }
    this.process(chunk, 0);
  }

  /** Works through buf[pos..] until it is consumed or must wait; what must wait is held. */
  private process(buf: Buffer, pos: number): void {
    this.processing = true;
    while (pos < buf.length) {
      const phase = this.phase;
      if (phase === WAITING || phase === HEAD) {
        if (phase === WAITING) {
          this.phase = HEAD;
          this.arm(this.settings.headerTimeout);
        }
        const scanner = this.scanner;
        const at = scanner.scan(buf, pos);
        if (at === NEED_MORE) break;
        if (at === FAILED) {
          this.refuse(scanner.error!);
          break;
        }
        pos = at;
        const head = scanner.head!;
        // Not kept by the scanner: an idle connection holds no head (nor the bytes it points into).
        scanner.head = null;
        this.begin(head);
      } else if (phase === BODY) {
        if (this.consumer === null || this.bodyPaused) {
          this.hold(buf, pos);
          break;
        }
        pos = this.deliver(buf, pos);
      } else if (phase === ANSWERING) {
        this.hold(buf, pos);
        break;
      } else {
        break;
      }
    }
    this.processing = false;
  }

  private hold(buf: Buffer, pos: number): void {
    this.held = pos === 0 ? buf : buf.subarray(pos);
    this.socket.pause();
  }

  /** Processes what was held, then reads the socket again. */
  private release(): void {
    const held = this.held;
    this.held = null;
    if (held !== null) this.process(held, 0);
    if (this.held === null && this.phase !== DONE) this.socket.resume();
  }

  /** A request head is complete: the request goes to the handler. */
  private begin(head: MessageHead): void {
    this.requests++;
    this.settings.metrics.requests.value++;
    let body = requestBody(head);
    const connect = head.method === 'CONNECT';
    // A request that asked to switch protocols ends the connection whatever the answer (a declined upgrade, or
    // one with a body, served as a plain request: llhttp would hand what follows to the new protocol).
    this.closeAfter = head.close || this.settings.draining || connect || head.upgrade;
    if (connect) body = NO_BODY;
    this.bodyLeft = body === LENGTH ? head.contentLength : 0;
    this.continueDue = head.expect === EXPECT_CONTINUE && body !== NO_BODY;
    this.headersSent = false;
    this.answered = false;
    this.delivery = AS_SENT;
    this.consumer = null;
    this.owner = null;
    this.bodyPaused = false;
    if (body === CHUNKED) (this.decoder ??= new ChunkedDecoder(this.settings.limits.maxHeadSize)).reset();
    const request = (this.request = new HttpRequest(head, this.client, false, body, this));
    const accessLog = this.settings.accessLog;
    if (accessLog !== null) request.access = this.access = accessLog.begin(head, this.client.address, false);
    if (body === NO_BODY) {
      this.phase = ANSWERING;
      this.disarm();
    } else {
      this.phase = BODY;
      this.arm(this.settings.bodyTimeout);
    }
    this.settings.handler.handle(request, this);
  }

  /** Hands body bytes from buf[pos..] to the consumer; returns where it stopped. */
  private deliver(buf: Buffer, pos: number): number {
    const consumer = this.consumer!;
    this.arm(this.settings.bodyTimeout);
    if (this.request!.body === LENGTH) {
      const n = Math.min(this.bodyLeft, buf.length - pos);
      this.bodyLeft -= n;
      if (this.access !== null) this.access.bytesIn += n;
      const more = consumer.bodyData(pos === 0 && n === buf.length ? buf : buf.subarray(pos, pos + n));
      if (this.bodyLeft === 0) this.bodyDone();
      else if (!more) this.pauseBody();
      return pos + n;
    }
    const decoder = this.decoder!;
    const at = decoder.decode(buf, pos, buf.length);
    if (decoder.error !== null) {
      this.bodyBroken(decoder.error);
      return buf.length;
    }
    let more = true;
    if (this.access !== null) this.access.bytesIn += decoder.dataEnd - decoder.dataStart;
    if (decoder.dataEnd > decoder.dataStart) more = consumer.bodyData(buf.subarray(decoder.dataStart, decoder.dataEnd));
    if (decoder.done) this.bodyDone();
    else if (!more) this.pauseBody();
    return at;
  }

  private bodyDone(): void {
    this.phase = ANSWERING;
    this.disarm();
    this.consumer!.bodyEnd();
  }

  private pauseBody(): void {
    this.bodyPaused = true;
    // The client is not at fault while padda holds it back.
    this.disarm();
  }

  /** The client broke the chunked framing: 400, nothing more is read. */
  private bodyBroken(error: HeadError): void {
    this.settings.metrics.error(error.reason);
    const consumer = this.consumer;
    this.consumer = null;
    consumer?.bodyAborted();
    this.failRequest(error.status, error.reason, error.message);
  }

  drained(): void {
    this.owner?.drained();
  }

  // BodySource.

  consume(consumer: BodyConsumer): void {
    this.consumer = consumer;
    if (this.continueDue) {
      // RFC 9110 §10.1.1: the client waits for this before sending the body; padda reads it either way.
      this.continueDue = false;
      this.socket.write(CONTINUE);
    }
    if (this.phase === BODY && !this.processing && this.held !== null) this.release();
  }

  pause(): void {
    if (this.phase === BODY) this.pauseBody();
  }

  resume(): void {
    if (!this.bodyPaused) return;
    this.bodyPaused = false;
    if (this.phase !== BODY) return;
    this.arm(this.settings.bodyTimeout);
    if (!this.processing) this.release();
  }

  // ClientResponse.

  attach(owner: ResponseOwner): void {
    this.owner = owner;
  }

  relay(head: MessageHead, framing: number, extra: readonly string[] | null): boolean {
    const request = this.request!;
    const delivery = http1Delivery(head, framing, request.head.minor);
    if (delivery < 0) return false;
    if (delivery === UNTIL_CLOSE || this.phase === BODY) this.closeAfter = true;
    this.delivery = delivery;
    this.headersSent = true;
    if (this.access !== null) this.access.status = head.status;
    // Held until the body that usually comes in the same upstream read, to leave in one write with it (see flush).
    this.pendingHead = http1ResponseHead(head, extra, delivery, this.closeAfter || this.settings.draining, this.keepAliveField());
    return true;
  }

  write(chunk: Buffer): boolean {
    const socket = this.socket;
    if (this.access !== null) this.access.bytesOut += chunk.length;
    const head = this.pendingHead;
    if (this.delivery !== RECHUNKED) {
      if (head === null) return socket.write(chunk);
      this.pendingHead = null;
      if (chunk.length > MERGE_LIMIT) {
        socket.write(head);
        return socket.write(chunk);
      }
      const both = Buffer.allocUnsafe(head.length + chunk.length);
      head.copy(both, 0);
      chunk.copy(both, head.length);
      return socket.write(both);
    }
    // An empty chunk would be the last one.
    if (chunk.length === 0) return !socket.writableNeedDrain;
    socket.cork();
    if (head !== null) {
      this.pendingHead = null;
      socket.write(head);
    }
    socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    socket.write(chunk);
    const more = socket.write(CRLF);
    socket.uncork();
    return more;
  }

  /** Writes a head still held: the upstream read that brought it brought no body. */
  flush(): void {
    const head = this.pendingHead;
    if (head === null) return;
    this.pendingHead = null;
    this.socket.write(head);
  }

  end(trailers: Buffer | null): void {
    this.flush();
    if (this.delivery === RECHUNKED) {
      if (trailers === null) this.socket.write(LAST_CHUNK);
      else this.socket.write(Buffer.concat([Buffer.from('0\r\n', 'latin1'), trailers, CRLF]));
    }
    this.answerDone();
  }

  answer(status: number, fields: readonly string[], body: string | Buffer): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    // An answer before the body was read ends the connection: what follows cannot be told from a next request;
    // so does a 400: a client that sent a bad request may have more of it in flight.
    if (this.phase === BODY || status === 400) this.closeAfter = true;
    this.headersSent = true;
    const head = this.request?.method === 'HEAD';
    this.access?.answered(status, fields, head ? 0 : bytes.length);
    this.socket.write(http1Answer(status, fields, bytes, head, this.closeAfter || this.settings.draining, this.keepAliveField()));
    this.answerDone();
  }

  cut(): void {
    this.pendingHead = null;
    this.phase = DONE;
    this.owner = null;
    this.socket.destroy();
    this.logEnd();
  }

  switchProtocols(head: MessageHead): { socket: net.Socket; early: Buffer } | null {
    const socket = this.socket;
    // The upstream's 101 as it sent it: Upgrade and Connection are what the client waits for.
    socket.write(head.buffer.subarray(head.start, head.end));
    this.phase = DONE;
    this.answered = true;
    this.owner = null;
    this.disarm();
    if (this.access !== null) this.access.status = head.status;
    this.logEnd();
    for (const [event, listener] of LISTENERS) socket.off(event, listener);
    socket.off('data', DATA_LISTENER);
    this.handedOver = true;
    const early = this.held ?? EMPTY;
    this.held = null;
    return { socket, early };
  }

  /** An HTTP/1.0 client that asked for keep-alive is told it got it. */
  private keepAliveField(): boolean {
    return this.request !== null && this.request.head.minor === 0;
  }

  /**
   * The answer is complete: on to the next request, or close. An answer
   * that came before the request's body was read (an early refusal, an app
   * that answered first) closes too: reading a body nobody wants could take
   * as long as the client likes.
   */
  private answerDone(): void {
    this.answered = true;
    this.owner = null;
    this.logEnd();
    if (this.closeAfter || this.settings.draining || this.phase === BODY) {
      const consumer = this.phase === BODY ? this.consumer : null;
      this.consumer = null;
      consumer?.bodyAborted();
      this.finishSocket();
      return;
    }
    this.nextRequest();
  }

  private nextRequest(): void {
    this.request = null;
    this.consumer = null;
    this.phase = WAITING;
    this.arm(this.settings.keepAliveTimeout);
    if (!this.processing) this.release();
  }

  // Refusals and endings.

  /** A request head padda refuses: its answer, then the connection closes. */
  private refuse(error: HeadError): void {
    this.settings.metrics.requests.value++;
    this.settings.metrics.error(error.reason);
    this.failRequest(error.status, error.reason, error.message);
  }

  /** padda's error answer when none has begun (else a cut), and the connection closes. */
  private failRequest(status: number, reason: string, message: string): void {
    this.closeAfter = true;
    const access = this.access;
    if (access !== null) access.error = reason;
    if (this.headersSent) {
      this.cut();
      return;
    }
    this.headersSent = true;
    if (access !== null) access.status = status;
    this.socket.write(rawErrorResponse(status, reason, message));
    this.finishSocket();
    this.logEnd();
  }

  /**
   * Ends the connection once what was written is sent. Input is still read
   * (and dropped) for a moment, so a client still sending does not reset
   * the connection before it has read the answer.
   */
  private finishSocket(): void {
    if (this.phase === DONE && this.socket.writableEnded) return;
    this.phase = DONE;
    this.held = null;
    this.socket.end();
    this.socket.removeAllListeners('data');
    this.socket.on('data', noop);
    this.socket.resume();
    this.arm(LINGER_MS);
  }

  expire(): void {
    switch (this.phase) {
      case WAITING:
        this.finishSocket();
        return;
      case HEAD:
        this.settings.metrics.error('client_header_timeout');
        this.failRequest(408, 'client_header_timeout', 'the request head did not arrive in time');
        return;
      case BODY: {
        this.settings.metrics.error('client_body_timeout');
        const consumer = this.consumer;
        this.consumer = null;
        consumer?.bodyAborted();
        this.failRequest(408, 'client_body_timeout', 'the request body stopped arriving');
        return;
      }
      case DONE:
        this.socket.destroy();
    }
  }

  /** The client half-closed: a request it had not finished is refused; one it had is still answered. */
  clientEnded(): void {
    switch (this.phase) {
      case WAITING:
        this.finishSocket();
        return;
      case HEAD:
        this.settings.metrics.error('bad_request');
        this.failRequest(400, 'bad_request', 'the request was cut short');
        return;
      case BODY: {
        this.settings.metrics.error('bad_request');
        const consumer = this.consumer;
        this.consumer = null;
        consumer?.bodyAborted();
        this.failRequest(400, 'bad_request', 'the request body was cut short');
        return;
      }
      case ANSWERING:
        this.closeAfter = true;
    }
  }

  closed(): void {
    this.disarm();
    this.settings.forget(this);
    const phase = this.phase;
    this.phase = DONE;
    if (phase === BODY) this.consumer?.bodyAborted();
    const owner = this.owner;
    this.owner = null;
    if (owner !== null && !this.answered) owner.clientClosed();
    if (this.access !== null) this.access = this.settings.accessLog!.end(this.access, true);
  }

  /** The current request's access line: its answer is over. Once. */
  private logEnd(): void {
    if (this.access !== null) this.access = this.settings.accessLog!.end(this.access);
  }

  private arm(ms: number): void {
    this.deadline = deadlines.now + ms;
    deadlines.track(this);
  }

  private disarm(): void {
    deadlines.untrack(this);
  }
}

function noop(): void {}

/** Reads of a socket that cannot read into the shared buffer (TLS). */
function DATA_LISTENER(this: Served, chunk: Buffer): void {
  this[kConnection]!.received(chunk);
}

const kConnection = Symbol('padda.http1Connection');
type Served = net.Socket & { [kConnection]?: Http1Connection };

/**
 * The socket listeners, one set for every connection, which each finds
 * through its socket: ten thousand idle connections hold no closure each
 * for these (a plain socket's one is its shared-buffer callback), and an
 * upgrade takes exactly these off when it hands the socket over.
 */
const LISTENERS: ReadonlyArray<readonly [string, (this: Served, ...args: any[]) => void]> = [
  ['end', function ended(this: Served) {
    this[kConnection]!.clientEnded();
  }],
  ['close', function closed(this: Served) {
    this[kConnection]!.closed();
  }],
  ['error', function failed(this: Served) {
    this.destroy();
  }],
  ['drain', function drained(this: Served) {
    this[kConnection]!.drained();
  }],
];
