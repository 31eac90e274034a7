import http from 'node:http';
import type { ProxiedResponse } from './request-head.ts';

/** How one failure is answered: status, the `x-padda-error` reason, a short body, and whether it was a connect failure. */
export interface Failure {
  status: number;
  reason: string;
  message: string;
  /** Nothing was written upstream: the origin was never reached. */
  connect: boolean;
}

const CONNECT_REFUSED: Failure = { status: 502, reason: 'upstream_connect_refused', message: 'upstream refused the connection', connect: true };
const CONNECT_TIMEOUT: Failure = { status: 504, reason: 'upstream_connect_timeout', message: 'upstream did not accept the connection in time', connect: true };
const UNRESOLVED: Failure = { status: 502, reason: 'upstream_unresolved', message: 'upstream host name did not resolve', connect: true };
const UNREACHABLE: Failure = { status: 502, reason: 'upstream_unreachable', message: 'upstream is unreachable', connect: true };
const RESPONSE_TIMEOUT: Failure = { status: 504, reason: 'upstream_response_timeout', message: 'upstream did not answer in time', connect: false };
const BODY_TIMEOUT: Failure = { status: 504, reason: 'upstream_body_timeout', message: 'upstream stalled while sending its answer', connect: false };
export const TOTAL_TIMEOUT: Failure = { status: 504, reason: 'request_timeout', message: 'request took longer than the total timeout', connect: false };
const RESET: Failure = { status: 502, reason: 'upstream_reset', message: 'upstream closed the connection before answering', connect: false };
const CLOSING: Failure = { status: 503, reason: 'listener_reloading', message: 'listener is shutting down its upstream connections', connect: true };
const OTHER: Failure = { status: 502, reason: 'upstream_error', message: 'upstream request failed', connect: false };

export const NO_UPSTREAM: Failure = { status: 503, reason: 'no_healthy_upstream', message: 'no healthy upstream', connect: true };
export const BAD_RESPONSE: Failure = { status: 502, reason: 'upstream_bad_response', message: 'upstream sent a response that cannot be forwarded', connect: false };

/** Our own error for the total timeout, so it classifies like undici's timeouts. */
export class TotalTimeoutError extends Error {
  readonly code = 'PADDA_TOTAL_TIMEOUT';
  constructor() {
    super('total timeout');
  }
}

/** The client went away; the upstream request is aborted with this. */
export class ClientClosedError extends Error {
  readonly code = 'PADDA_CLIENT_CLOSED';
  constructor() {
    super('client closed the connection');
  }
}

export function classify(error: Error): Failure {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ECONNREFUSED':
    case 'ENOENT': // a unix socket nobody listens on
      return CONNECT_REFUSED;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return CONNECT_TIMEOUT;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return UNRESOLVED;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EACCES':
      return UNREACHABLE;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return RESPONSE_TIMEOUT;
    case 'UND_ERR_BODY_TIMEOUT':
      return BODY_TIMEOUT;
    case 'PADDA_TOTAL_TIMEOUT':
      return TOTAL_TIMEOUT;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return RESET;
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return CLOSING;
    default:
      return OTHER;
  }
}

/**
 * Answers with padda's own error: a short text body and `x-padda-error`
 * naming the reason, so an operator can tell padda's 502 from the app's.
 * Only for a response whose headers have not gone out.
 */
export function replyError(res: ProxiedResponse, status: number, reason: string, message: string, requestId: string): void {
  const body = `${message}\n`;
  const headers: string[] = [
    'content-type', 'text/plain; charset=utf-8',
    'content-length', String(Buffer.byteLength(body)),
    'x-padda-error', reason,
  ];
  if (requestId) headers.push('x-request-id', requestId);
  // A client that sent a bad request may have more of it in flight: don't read it as a next request.
  if (status === 400 && 'shouldKeepAlive' in res) res.shouldKeepAlive = false;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * padda's own error as raw HTTP/1.1 bytes, for a socket no ServerResponse
 * writes to (a request node:http could not parse, CONNECT, an upgrade, plain
 * HTTP on a TLS port). The connection closes after it. Without a message the
 * body is empty.
 */
export function rawErrorResponse(status: number, reason: string, message = '', requestId = ''): string {
  const body = message === '' ? '' : `${message}\n`;
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nconnection: close\r\n` +
    (body === '' ? '' : 'content-type: text/plain; charset=utf-8\r\n') +
    `content-length: ${Buffer.byteLength(body)}\r\nx-padda-error: ${reason}\r\n` +
    (requestId === '' ? '' : `x-request-id: ${requestId}\r\n`) +
    `\r\n${body}`;
}
