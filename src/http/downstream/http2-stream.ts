import http2 from 'node:http2';
import { FAILED, HeadScanner, REQUEST } from '../../protocols/http1/head-scanner.ts';
import { CHUNKED, LENGTH, NO_BODY, type MessageHead } from '../../protocols/http1/message-head.ts';
import type { AccessRecord } from '../../logging/access-record.ts';
import { deadlines, type Expiring } from '../../net/deadlines.ts';
import { connectionNamed, isNamed, RESPONSE_HOP_BY_HOP } from '../hop-by-hop.ts';
import { HttpRequest, type BodyConsumer, type BodySource, type ClientConnection, type ClientResponse, type RequestHandler, type ResponseOwner } from '../message.ts';
import type { Http1Settings } from './http1-connection.ts';

const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL } = http2.constants;

/** HTTP/2 request fields that have no place in an HTTP/1.1 head (RFC 9113 §8.2.2, §8.3.1). */
const PSEUDO_OR_HOP = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

/**
 * An HTTP/2 request written as the HTTP/1.1 head padda reads everywhere:
 * `:method :path HTTP/1.1`, Host from `:authority` (RFC 9113 §8.3.1), the
 * other fields as they came, split cookies joined (RFC 9113 §8.2.3). It is
 * then scanned like any HTTP/1.1 head, so the same rules refuse the same
 * things; null when it does not scan.
 */
function http1Head(headers: http2.IncomingHttpHeaders, scanner: HeadScanner): MessageHead | null {
  const authority = headers[':authority'] ?? headers.host;
  let text = `${headers[':method']} ${headers[':path']} HTTP/1.1\r\n`;
  if (authority !== undefined) text += `host: ${authority}\r\n`;
  for (const name in headers) {
    if (name.charCodeAt(0) === 0x3a /* : */ || PSEUDO_OR_HOP.has(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (!Array.isArray(value)) text += `${name}: ${value}\r\n`;
    else if (name === 'cookie') text += `cookie: ${value.join('; ')}\r\n`;
    else for (const one of value) text += `${name}: ${one}\r\n`;
  }
  const bytes = Buffer.from(`${text}\r\n`, 'latin1');
  return scanner.scan(bytes, 0) === FAILED ? null : scanner.head;
}

/**
 * One HTTP/2 stream as a request padda serves: its body source (the
 * stream's DATA, with flow control as backpressure) and its answer (HEADERS,
 * DATA and trailers on the stream). A stream the client resets cancels the
 * request at once: its owner hears clientClosed on the spot, so a request
 * waiting for an upstream connection leaves the queue (rapid reset, CVE-2023-44487).
 */
export class Http2Stream implements BodySource, ClientResponse, Expiring {
  deadline = 0;
  deadlineSlot = -1;
  private readonly stream: http2.ServerHttp2Stream;
  private readonly settings: Http1Settings;
  private consumer: BodyConsumer | null = null;
  private owner: ResponseOwner | null = null;
  /** Its access-log record until its line is written. */
  private access: AccessRecord | null = null;
  private finished = false;
  private bodyDone = false;
  private trailers: Buffer | null = null;
  private method = '';

  constructor(stream: http2.ServerHttp2Stream, settings: Http1Settings) {
    this.stream = stream;
    this.settings = settings;
  }

  /** Reads the stream's request and hands it to the handler (or answers 400 itself). */
  serve(headers: http2.IncomingHttpHeaders, client: ClientConnection, handler: RequestHandler): void {
    const stream = this.stream;
    stream.on('error', () => {});
    stream.once('close', () => this.closed());
    const settings = this.settings;
    settings.metrics.requests.value++;
    const scanner = new HeadScanner(REQUEST, settings.limits);
    const head = http1Head(headers, scanner);
    if (head === null) {
      const error = scanner.error!;
      settings.metrics.error(error.reason);
      this.answer(error.status, ['content-type', 'text/plain; charset=utf-8', 'x-padda-error', error.reason], `${error.message}\n`);
      return;
    }
    this.method = head.method;
    const body = stream.endAfterHeaders ? NO_BODY : head.contentLength >= 0 ? LENGTH : CHUNKED;
    this.bodyDone = body === NO_BODY;
    const request = new HttpRequest(head, client, true, body, this);
    const accessLog = settings.accessLog;
    if (accessLog !== null) request.access = this.access = accessLog.begin(head, client.address, true);
    handler.handle(request, this);
  }

  // BodySource.

  consume(consumer: BodyConsumer): void {
    this.consumer = consumer;
    const stream = this.stream;
    this.arm();
    stream.on('data', (chunk: Buffer) => {
      this.arm();
      if (this.access !== null) this.access.bytesIn += chunk.length;
      if (!consumer.bodyData(chunk)) this.pause();
    });
    stream.once('end', () => {
      this.bodyDone = true;
      deadlines.untrack(this);
      consumer.bodyEnd();
    });
  }

  pause(): void {
    this.stream.pause();
    deadlines.untrack(this);
  }

  resume(): void {
    this.arm();
    this.stream.resume();
  }

  // ClientResponse.

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  attach(owner: ResponseOwner): void {
    this.owner = owner;
    this.stream.on('drain', () => this.owner?.drained());
  }

  relay(head: MessageHead, framing: number, extra: readonly string[] | null): boolean {
    const headers: http2.OutgoingHttpHeaders = { ':status': head.status };
    const named = connectionNamed(head);
    for (let i = 0; i < head.fieldCount; i++) {
      if (RESPONSE_HOP_BY_HOP[head.names[i]!] === 1 || (named !== null && isNamed(head, i, named))) continue;
      add(headers, head.name(i).toLowerCase(), head.value(i));
    }
    if (extra !== null) for (let i = 0; i < extra.length; i += 2) add(headers, extra[i]!.toLowerCase(), extra[i + 1]!);
    // HTTP/2 has no transfer codings: a body still coded (gzip, chunked) cannot be told to the client.
    if (framing === CHUNKED && head.codings) return false;
    if (this.access !== null) this.access.status = head.status;
    try {
      this.stream.respond(headers, { endStream: framing === NO_BODY, waitForTrailers: framing === CHUNKED });
    } catch {
      // node refuses fields HTTP/2 does not allow.
      return false;
    }
    if (framing === CHUNKED) this.stream.once('wantTrailers', () => this.sendTrailers());
    if (framing === NO_BODY) this.done();
    return true;
  }

  write(chunk: Buffer): boolean {
    if (this.access !== null) this.access.bytesOut += chunk.length;
    return this.stream.write(chunk);
  }

  /** HTTP/2 frames go out as written. */
  flush(): void {}

  end(trailers: Buffer | null): void {
    this.trailers = trailers;
    if (!this.stream.writableEnded) this.stream.end();
    this.done();
  }

  answer(status: number, fields: readonly string[], body: string | Buffer): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers: http2.OutgoingHttpHeaders = { ':status': status, 'content-length': bytes.length };
    for (let i = 0; i < fields.length; i += 2) add(headers, fields[i]!, fields[i + 1]!);
    const stream = this.stream;
    if (stream.destroyed || stream.headersSent) return;
    const empty = bytes.length === 0 || this.method === 'HEAD';
    this.access?.answered(status, fields, empty ? 0 : bytes.length);
    stream.respond(headers, { endStream: empty });
    if (!empty) stream.end(bytes);
    this.done();
  }

  cut(): void {
    this.owner = null;
    if (!this.stream.destroyed) this.stream.close(NGHTTP2_INTERNAL_ERROR);
    this.logEnd();
  }

  switchProtocols(): null {
    return null;
  }

  expire(): void {
    if (this.bodyDone || this.finished) return;
    this.settings.metrics.error('client_body_timeout');
    const consumer = this.consumer;
    this.consumer = null;
    consumer?.bodyAborted();
    if (!this.stream.headersSent) this.answer(408, ['x-padda-error', 'client_body_timeout'], 'the request body stopped arriving\n');
    if (!this.stream.destroyed) this.stream.close(NGHTTP2_CANCEL);
  }

  private sendTrailers(): void {
    const trailers: http2.OutgoingHttpHeaders = {};
    if (this.trailers !== null) {
      for (const line of this.trailers.toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) add(trailers, line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    try {
      this.stream.sendTrailers(trailers);
    } catch {
      this.stream.close();
    }
  }

  private done(): void {
    this.finished = true;
    this.owner = null;
    this.logEnd();
  }

  /** The request's access line: its answer is over. Once. */
  private logEnd(): void {
    if (this.access !== null) this.access = this.settings.accessLog!.end(this.access);
  }

  private closed(): void {
    deadlines.untrack(this);
    if (!this.bodyDone) {
      const consumer = this.consumer;
      this.consumer = null;
      consumer?.bodyAborted();
    }
    const owner = this.owner;
    this.owner = null;
    if (owner !== null && !this.finished) owner.clientClosed();
    if (this.access !== null) this.access = this.settings.accessLog!.end(this.access, true);
  }

  private arm(): void {
    this.deadline = deadlines.now + this.settings.bodyTimeout;
    deadlines.track(this);
  }
}

function add(headers: http2.OutgoingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) headers[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[name] = [String(existing), value];
}
