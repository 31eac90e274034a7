import http from 'node:http';
import {
  ConnectionClosingError, ConnectionResetError, ConnectRefusedError, ConnectTimeoutError, ReplyTimeoutError, UnreachableError, UnresolvedError,
  UpstreamProtocolError, UpstreamSocketError, type UpstreamError,
} from '../upstream/errors.ts';

/** A class of the shared upstream error tree (src/upstream/errors.ts). */
type UpstreamErrorClass = new (upstream: string, detail: string) => UpstreamError;

/**
 * How one failure of an exchange is answered and judged: a stable code
 * (undici's UND_ERR_* style: decide by it, never by message text), the
 * status and `x-padda-error` reason the client gets, a one-line body,
 * whether nothing of the request reached the upstream (so any request may
 * be tried elsewhere), and the class of the shared upstream error tree it
 * is to passive health (the one OutlierPolicy every pool uses): null for a
 * failure that is padda's or the client's (no upstream, a full pool, a
 * client that left), which says nothing of the upstream.
 */
export interface Failure {
  readonly code: string;
  readonly status: number;
  readonly reason: string;
  readonly message: string;
  /** Nothing was written upstream: the origin was never reached. */
  readonly connect: boolean;
  readonly error: UpstreamErrorClass | null;
}

function failure(code: string, status: number, reason: string, message: string, connect: boolean, error: UpstreamErrorClass | null): Failure {
  return Object.freeze({ code, status, reason, message, connect, error });
}

export const CONNECT_REFUSED = failure('PADDA_HTTP_CONNECT_REFUSED', 502, 'upstream_connect_refused', 'upstream refused the connection', true, ConnectRefusedError);
export const CONNECT_TIMEOUT = failure('PADDA_HTTP_CONNECT_TIMEOUT', 504, 'upstream_connect_timeout', 'upstream did not accept the connection in time', true, ConnectTimeoutError);
const UNRESOLVED = failure('PADDA_HTTP_UNRESOLVED', 502, 'upstream_unresolved', 'upstream host name did not resolve', true, UnresolvedError);
const UNREACHABLE = failure('PADDA_HTTP_UNREACHABLE', 502, 'upstream_unreachable', 'upstream is unreachable', true, UnreachableError);
export const TLS_FAILED = failure('PADDA_HTTP_TLS', 502, 'upstream_tls_failed', 'TLS to the upstream failed', true, UpstreamSocketError);
export const RESPONSE_TIMEOUT = failure('PADDA_HTTP_RESPONSE_TIMEOUT', 504, 'upstream_response_timeout', 'upstream did not answer in time', false, ReplyTimeoutError);
export const BODY_TIMEOUT = failure('PADDA_HTTP_BODY_TIMEOUT', 504, 'upstream_body_timeout', 'upstream stalled while sending its answer', false, ReplyTimeoutError);
export const TOTAL_TIMEOUT = failure('PADDA_HTTP_TOTAL_TIMEOUT', 504, 'request_timeout', 'request took longer than the total timeout', false, ReplyTimeoutError);
export const RESET = failure('PADDA_HTTP_RESET', 502, 'upstream_reset', 'upstream closed the connection before answering', false, ConnectionResetError);
export const CLOSING = failure('PADDA_HTTP_CLOSING', 503, 'listener_reloading', 'listener is shutting down its upstream connections', true, ConnectionClosingError);
const OTHER = failure('PADDA_HTTP_SOCKET', 502, 'upstream_error', 'upstream request failed', false, UpstreamSocketError);
export const BAD_RESPONSE = failure('PADDA_HTTP_BAD_RESPONSE', 502, 'upstream_bad_response', 'upstream sent a response that cannot be forwarded', false, UpstreamProtocolError);
export const NO_UPSTREAM = failure('PADDA_HTTP_NO_UPSTREAM', 503, 'no_healthy_upstream', 'no healthy upstream', true, null);
/** The origin's connections are all busy and its queue is full (Envoy's pending overflow). */
export const POOL_FULL = failure('PADDA_HTTP_POOL_FULL', 503, 'upstream_pool_full', 'every connection to the upstream is busy and the queue is full', true, null);
/** The request waited longer than pool.queue_timeout for one of the origin's connections. */
export const POOL_TIMEOUT = failure('PADDA_HTTP_POOL_TIMEOUT', 503, 'upstream_pool_timeout', 'no connection to the upstream became free in time', true, null);
/** The client left first. */
export const CLIENT_CLOSED = failure('PADDA_HTTP_CLIENT_CLOSED', 499, 'client_closed', 'client closed the connection', false, null);

/** The shared upstream error a failure is, for passive health; null when it is none (padda's or the client's doing). */
export function upstreamError(failure: Failure, upstream: string): UpstreamError | null {
  return failure.error === null ? null : new failure.error(upstream, failure.reason);
}

/** The failure of a socket error: by errno while connecting, and every error after the connect is a reset (or a TLS failure). */
export function socketFailure(error: NodeJS.ErrnoException, connecting: boolean): Failure {
  const code = error.code ?? '';
  if (connecting) {
    switch (code) {
      case 'ECONNREFUSED':
      case 'ENOENT': // a unix socket nobody listens on
        return CONNECT_REFUSED;
      case 'ETIMEDOUT':
        return CONNECT_TIMEOUT;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_FAIL':
        return UNRESOLVED;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EHOSTDOWN':
      case 'EACCES':
        return UNREACHABLE;
    }
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT')) return TLS_FAILED;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return RESET;
  return connecting ? UNREACHABLE : OTHER;
}

/**
 * padda's own error as raw HTTP/1.1 bytes, for a connection that closes
 * after it: a request head that could not be read, plain HTTP on a TLS
 * port. Without a message the body is empty.
 */
export function rawErrorResponse(status: number, reason: string, message = '', requestId = ''): string {
  const body = message === '' ? '' : `${message}\n`;
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nconnection: close\r\n` +
    (body === '' ? '' : 'content-type: text/plain; charset=utf-8\r\n') +
    `content-length: ${Buffer.byteLength(body)}\r\nx-padda-error: ${reason}\r\n` +
    (requestId === '' ? '' : `x-request-id: ${requestId}\r\n`) +
    `\r\n${body}`;
}
