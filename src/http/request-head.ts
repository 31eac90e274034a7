import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type http2 from 'node:http2';
import { clientConnection } from './client-connection.ts';

/** A client request as node:http (HTTP/1) or node:http2's compatibility API (HTTP/2) hands it over. */
export type ProxiedRequest = http.IncomingMessage | http2.Http2ServerRequest;

/**
 * What padda uses of a response; node:http's ServerResponse and node:http2's
 * compatibility Http2ServerResponse both have it (both take a flat
 * `[name, value, …]` array in writeHead).
 */
export interface ProxiedResponse {
  readonly headersSent: boolean;
  writeHead(statusCode: number, headers: http.OutgoingHttpHeaders | string[]): unknown;
  write(chunk: Buffer): boolean;
  end(): unknown;
  end(chunk: string): unknown;
  addTrailers(headers: http.OutgoingHttpHeaders): void;
  destroy(error?: Error): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

// How a request header is treated on the way upstream.
const KEEP = 0;
const HOP = 1;
const HOST = 2;
const CONTENT_LENGTH = 3;
const TRANSFER_ENCODING = 4;
const CONNECTION = 5;
const FORWARDED_FOR = 6;
const OURS = 7;
const REQUEST_ID = 8;
const COOKIE = 9;

/**
 * Headers that describe one connection rather than the message (RFC 9110
 * §7.6.1) and must not be forwarded, plus the ones padda sets itself, which a
 * client must not be able to forge.
 */
const TREATMENT = new Map<string, number>([
  ['connection', CONNECTION],
  ['keep-alive', HOP],
  ['te', HOP],
  ['trailer', HOP],
  ['transfer-encoding', TRANSFER_ENCODING],
  ['upgrade', HOP],
  ['proxy-connection', HOP],
  ['proxy-authorization', HOP],
  ['proxy-authenticate', HOP],
  // node:http answers `Expect: 100-continue` itself, before the body is read.
  ['expect', HOP],
  ['http2-settings', HOP],
  ['host', HOST],
  ['content-length', CONTENT_LENGTH],
  ['x-forwarded-for', FORWARDED_FOR],
  ['x-forwarded-proto', OURS],
  ['x-forwarded-host', OURS],
  ['x-real-ip', OURS],
  ['x-forwarded-client-cert', OURS],
  ['x-request-id', REQUEST_ID],
  ['cookie', COOKIE],
]);

/** Tokens of `Connection` that name no header. */
const CONNECTION_OPTIONS = new Set(['close', 'keep-alive', 'upgrade']);

export interface RequestHead {
  /** Flat `[name, value, …]` for undici; the first pair is always `host`. */
  headers: string[];
  hasBody: boolean;
  requestId: string;
  /**
   * The client sent more than one Host line, which RFC 9112 §3.2 says to
   * answer with 400 (as nginx does): a proxy and the app must not disagree
   * on which host was meant. The first one is in `headers`, the one
   * node:http's `headers.host` holds.
   */
  duplicateHost: boolean;
}

export interface HeadOptions {
  preserveHost: boolean;
  requestId: boolean;
}

/**
 * Builds the header list sent upstream in one pass over the client's raw
 * headers: hop-by-hop headers and what `Connection` names are dropped, the
 * book's SSL-bridge set is added (`X-Forwarded-For` appended, `-Proto`,
 * `-Host` and `X-Real-IP` set), `x-request-id` kept or made, and an HTTP/2
 * client's split `cookie` headers joined as HTTP/1.1 requires (RFC 9113
 * §8.2.3). `authority` replaces the Host of an absolute-form target
 * (RFC 9112 §3.2.2).
 */
export function buildRequestHead(request: ProxiedRequest, authority: string | null, options: HeadOptions): RequestHead {
  const raw = request.rawHeaders;
  const headers: string[] = ['host', ''];
  let host = authority;
  let forwardedFor: string | null = null;
  let requestId: string | null = null;
  let cookie: string | null = null;
  let hasBody = false;
  let hostLines = 0;
  let connection: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    switch (TREATMENT.get(lower) ?? KEEP) {
      case KEEP:
        if (lower.charCodeAt(0) === 58 /* ':' */) {
          // HTTP/2 pseudo-header; :authority stands in for Host.
          if (lower === ':authority' && host === null) host = value;
        } else if (!lower.startsWith('proxy-')) {
          headers.push(name, value);
        }
        break;
      case HOST:
        if (++hostLines === 1 && authority === null) host = value;
        break;
      case CONTENT_LENGTH:
        if (value !== '0') hasBody = true;
        headers.push(name, value);
        break;
      case TRANSFER_ENCODING:
        hasBody = true;
        break;
      case CONNECTION:
        connection = connection === null ? value : `${connection},${value}`;
        break;
      case FORWARDED_FOR:
        forwardedFor = forwardedFor === null ? value : `${forwardedFor}, ${value}`;
        break;
      case REQUEST_ID:
        if (requestId === null) {
          requestId = value;
          headers.push(name, value);
        }
        break;
      case COOKIE:
        cookie = cookie === null ? value : `${cookie}; ${value}`;
        break;
      // HOP and OURS: dropped
    }
  }
  if ('stream' in request) hasBody = !request.stream.endAfterHeaders;
  if (cookie !== null) headers.push('cookie', cookie);
  if (connection !== null) dropNamedByConnection(headers, connection);
  const client = clientConnection(request);
  if (host !== null) {
    headers[1] = host;
    headers.push('x-forwarded-host', host);
  }
  headers.push(
    'x-forwarded-for', forwardedFor === null ? client.address : `${forwardedFor}, ${client.address}`,
    'x-forwarded-proto', client.scheme,
    'x-real-ip', client.address,
  );
  if (client.certificate !== null) headers.push('x-forwarded-client-cert', client.certificate);
  if (requestId === null) {
    requestId = options.requestId ? randomUUID() : '';
    if (options.requestId) headers.push('x-request-id', requestId);
  }
  return { headers, hasBody, requestId, duplicateHost: hostLines > 1 };
}

/** `Connection: close, X-Secret` makes X-Secret hop-by-hop too (RFC 9110 §7.6.1). Rare, so a second pass. */
function dropNamedByConnection(headers: string[], connection: string): void {
  const named = new Set<string>();
  for (const token of connection.split(',')) {
    const name = token.trim().toLowerCase();
    if (name && !CONNECTION_OPTIONS.has(name) && name !== 'host') named.add(name);
  }
  if (named.size === 0) return;
  for (let i = headers.length - 2; i >= 2; i -= 2) {
    if (named.has(headers[i]!.toLowerCase())) headers.splice(i, 2);
  }
}
