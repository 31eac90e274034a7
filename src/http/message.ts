/**
 * What every stage of the HTTP data path shares: the request as padda holds
 * it (one scanned head, whichever protocol the client spoke), the client it
 * came from, and the two small interfaces across which a request's body
 * flows in and its answer flows out. The client side (downstream/)
 * implements them, the proxy core (forward/) and the local answerers use
 * them; neither imports the other.
 *
 *   client bytes → downstream (HTTP/1 connection or HTTP/2 stream) → HttpRequest
 *     → RequestHandler.handle(request, response)        (forward/proxy.ts, respond, …)
 *     → request.source.consume(consumer)                (the body, with backpressure)
 *     → response.relay(head …) / write / end, or answer (back to the client)
 */
import type net from 'node:net';
import type { AccessRecord } from '../logging/access-record.ts';
import { latin1 } from '../protocols/http1/bytes.ts';
import { COOKIE, OTHER } from '../protocols/http1/field-names.ts';
import type { MessageHead } from '../protocols/http1/message-head.ts';
import { ABSOLUTE_FORM, ORIGIN_FORM } from '../protocols/http1/request-target.ts';

/** What padda knows about a client connection, worked out once per connection, not per request. */
export interface ClientConnection {
  /** The peer's IP, with an IPv4-mapped IPv6 prefix removed (`::ffff:10.0.0.1` → `10.0.0.1`). */
  readonly address: string;
  readonly scheme: 'http' | 'https';
  /** The verified client certificate as an x-forwarded-client-cert element, or null. */
  readonly certificate: string | null;
  /**
   * Set when `address` and `scheme` are what a trusted proxy in front said
   * (trusted-proxies.ts): the connection's own peer, the hop X-Forwarded-For
   * is appended with.
   */
  readonly peer?: string;
}

/** Receives a request body: chunks, then its end, or that it will never end. */
export interface BodyConsumer {
  /** A chunk of the body (only valid during the call unless kept); false asks the source to pause until resume(). */
  bodyData(chunk: Buffer): boolean;
  bodyEnd(): void;
  /** The body was cut short: the client left, broke the framing, or stopped sending. */
  bodyAborted(): void;
}

/** Where a request's body comes from: the client's connection (HTTP/1) or stream (HTTP/2). */
export interface BodySource {
  /** Starts delivering the body to `consumer`; at most once per request. An `Expect: 100-continue` is answered now. */
  consume(consumer: BodyConsumer): void;
  pause(): void;
  resume(): void;
}

/** How a request's answer is told about its client. */
export interface ResponseOwner {
  /** A write that returned false has drained. */
  drained(): void;
  /** The client is gone (closed, reset, or its HTTP/2 stream was cancelled) before the answer was complete. */
  clientClosed(): void;
}

/** The client side of one request's answer, whatever protocol the client speaks. */
export interface ClientResponse {
  /** A status line (or HTTP/2 HEADERS) went out: from here an error can only cut the answer. */
  readonly headersSent: boolean;
  /** Who hears of drain and of the client leaving, until the answer is complete. */
  attach(owner: ResponseOwner): void;
  /**
   * Sends an upstream's answer head on: its hop-by-hop fields dropped, the
   * flat [name, value, …] pairs of `extra` added, framed for this client.
   * `framing` is how the upstream delimits the body (message-head.ts).
   * False when this client cannot be given it (an HTTP/1.0 client and a
   * transfer coding); nothing was written then.
   */
  relay(head: MessageHead, framing: number, extra: readonly string[] | null): boolean;
  /** A chunk of the body; false when the client's buffer is full (drained() follows). */
  write(chunk: Buffer): boolean;
  /** What was relayed or written so far must go out now: no more body came with it (an upstream read ended). */
  flush(): void;
  /** The body is complete; `trailers` are raw `name: value\r\n` lines of a chunked body, or null. */
  end(trailers: Buffer | null): void;
  /** padda's own whole answer: status, flat [name, value, …] fields, body (not sent to HEAD). Content-Length is added. */
  answer(status: number, fields: readonly string[], body: string | Buffer): void;
  /** The answer cannot be completed: cut the connection (HTTP/1) or reset the stream (HTTP/2), so it never looks whole. */
  cut(): void;
  /**
   * The upstream switched protocols (101): its head goes to the client with
   * Upgrade and Connection kept, and the client's socket is handed over,
   * with any bytes it sent after its request. Null where there is no socket
   * to hand over (HTTP/2).
   */
  switchProtocols(head: MessageHead): { socket: net.Socket; early: Buffer } | null;
}

/** Takes each request a client sends. */
export interface RequestHandler {
  handle(request: HttpRequest, response: ClientResponse): void;
}

/**
 * A client request: its scanned head (an HTTP/2 request's headers are
 * written into an HTTP/1.1 head, so every stage reads one form), where it
 * came from, how its body is framed and where the body comes from.
 * `route` holds what a target picker decided for it until its exchange ends.
 */
export class HttpRequest {
  readonly head: MessageHead;
  readonly method: string;
  /** The request-target as sent (nginx's $request_uri). */
  readonly target: string;
  /** The connection's client; the one a trusted proxy named, once resolved (trusted-proxies.ts). */
  client: ClientConnection;
  readonly http2: boolean;
  /** How the body arrives: NO_BODY, LENGTH (head.contentLength bytes) or CHUNKED (length unknown) (message-head.ts). */
  readonly body: number;
  readonly source: BodySource;
  /** A target picker's per-request state (its shard, replica, variant): no symbol properties on a hot object. */
  route: unknown = null;
  /** What a request gate decided for it (the rate limiter's limit), for the answer's fields. */
  admission: unknown = null;
  /** Its access-log record, which every stage fills with what it knows; null when the listener logs no access (or sampling left it out). */
  access: AccessRecord | null = null;

  constructor(head: MessageHead, client: ClientConnection, http2: boolean, body: number, source: BodySource) {
    this.head = head;
    this.method = head.method;
    this.target = head.target;
    this.client = client;
    this.http2 = http2;
    this.body = body;
    this.source = source;
  }

  /**
   * A request field's value by lower-case name, repeated ones joined with
   * ", " (cookies with "; "), or undefined. For names the engine numbers
   * (field-names.ts) pass the number as well, to skip the byte compare.
   */
  header(name: string, id = OTHER): string | undefined {
    return this.head.get(name, name === 'cookie' ? COOKIE : id);
  }

  /**
   * The origin-form path an upstream gets: the target as sent, or an
   * absolute-form target's path and query (RFC 9112 §3.2.2; `/` when it has
   * none); null for the forms that are no resource (CONNECT's, OPTIONS *).
   */
  path(): string | null {
    const head = this.head;
    if (head.targetForm === ORIGIN_FORM) return this.target;
    if (head.targetForm !== ABSOLUTE_FORM) return null;
    const rest = latin1(head.buffer, head.authorityEnd, head.targetEnd);
    return rest === '' ? '/' : rest.charCodeAt(0) === 0x3f /* ? */ ? `/${rest}` : rest;
  }

  /** An absolute-form target's authority, which stands for the Host (RFC 9112 §3.2.2); else null. */
  authority(): string | null {
    const head = this.head;
    return head.targetForm === ABSOLUTE_FORM ? latin1(head.buffer, head.authorityStart, head.authorityEnd) : null;
  }
}
