/**
 * Why a request to an upstream failed, as one tree of error classes with
 * stable codes (the shape of undici's lib/core/errors.js): code decides by
 * `code`, `reason` and `judged`, never by searching the message, which is
 * padda's detail for people.
 *
 *   socket.on('error', (e) => fail(classifySocketError(e, label)));
 *   if (error instanceof ReplyTimeoutError) …; metrics.error(error.reason);
 */
export abstract class UpstreamError extends Error {
  /** Stable across releases: `PADDA_UPSTREAM_*`. */
  abstract readonly code: string;
  /** The `reason` label of padda_server_errors_total (twemproxy's stats split eof, err and timedout by it). */
  abstract readonly reason: string;
  /**
   * What twemproxy answers for this failure: the C library's strerror() of
   * the errno it records (nc_message.c msg_get_error, `-ERR <strerror>`),
   * so clients that match on twemproxy's text keep working.
   */
  abstract readonly strerror: string;
  /** Whether it counts against the upstream's health; false when padda itself or the client ended the exchange. */
  readonly judged: boolean = true;
  /** The upstream as written in the config. */
  readonly upstream: string;

  constructor(upstream: string, detail: string) {
    super(detail);
    this.upstream = upstream;
  }

  /** twemproxy's text, then padda's detail: `Connection refused (127.0.0.1:6379:1: ECONNREFUSED)`. */
  get clientText(): string {
    return `${this.strerror} (${this.upstream}: ${this.message})`;
  }
}

export class ConnectRefusedError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_CONNECT_REFUSED';
  readonly reason = 'refused';
  readonly strerror = 'Connection refused';
}

export class ConnectTimeoutError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_CONNECT_TIMEOUT';
  readonly reason = 'timeout';
  // twemproxy's core_timeout records ETIMEDOUT for connects and replies alike.
  readonly strerror = 'Connection timed out';
}

export class UnresolvedError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_UNRESOLVED';
  readonly reason = 'dns';
  // gai_strerror(EAI_NONAME): twemproxy's nc_resolve logs it; padda answers it.
  readonly strerror = 'Name or service not known';
}

export class UnreachableError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_UNREACHABLE';
  readonly reason = 'unreachable';
  readonly strerror = 'No route to host';
}

export class ReplyTimeoutError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_REPLY_TIMEOUT';
  readonly reason = 'timeout';
  readonly strerror = 'Connection timed out';
}

/** The upstream reset the connection. */
export class ConnectionResetError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_RESET';
  readonly reason = 'reset';
  readonly strerror = 'Connection reset by peer';
}

/** The upstream closed the connection (EOF) with requests unanswered. */
export class ConnectionClosedError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_CLOSED';
  // twemproxy's server_eof.
  readonly reason = 'eof';
  // An EOF records no errno, and msg_get_error says "unknown" for errno 0.
  readonly strerror = 'unknown';
}

/** The upstream sent bytes that are not a reply to what was asked: nothing after them can be matched. */
export class UpstreamProtocolError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_PROTOCOL';
  readonly reason = 'protocol';
  // twemproxy's rsp parser records EINVAL and closes the server connection.
  readonly strerror = 'Invalid argument';
}

/** The upstream refused the connection's handshake (Redis AUTH or SELECT): every request on it would fail. */
export class HandshakeRefusedError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_HANDSHAKE_REFUSED';
  readonly reason = 'handshake';
  readonly strerror = 'Permission denied';
}

/** An HTTP upstream answered 5xx: judged as a failure where the policy counts error statuses. */
export class ErrorStatusError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_ERROR_STATUS';
  readonly reason = 'status';
  readonly strerror = 'Remote I/O error';
  readonly status: number;

  constructor(upstream: string, status: number) {
    super(upstream, `answered ${status}`);
    this.status = status;
  }
}

/** padda closed the connection itself (a reload, a stop, the client that owned it left): says nothing of the upstream. */
export class ConnectionClosingError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_CLOSING';
  readonly reason = 'closing';
  readonly strerror = 'Software caused connection abort';
  override readonly judged = false;
}

/** Any other socket error, with its errno code as the detail. */
export class UpstreamSocketError extends UpstreamError {
  readonly code = 'PADDA_UPSTREAM_SOCKET';
  readonly reason = 'other';
  readonly strerror = 'Input/output error';
}

/**
 * The answer when every server of a pool is ejected: twemproxy's
 * server_pool_conn fails with ECONNREFUSED then, so clients read the same
 * "Connection refused" for a down server and for none left.
 */
export const NO_LIVE_SERVER = 'Connection refused (no server available: every server of this pool is ejected)';

/** The class of a socket (or undici) error, by its errno or undici code. */
export function classifySocketError(error: NodeJS.ErrnoException, upstream: string): UpstreamError {
  const code = error.code ?? '';
  const detail = code || error.message;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT': // a unix socket nobody listens on
      return new ConnectRefusedError(upstream, detail);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ConnectTimeoutError(upstream, detail);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new UnresolvedError(upstream, detail);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'EACCES':
      return new UnreachableError(upstream, detail);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new ReplyTimeoutError(upstream, detail);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new ConnectionResetError(upstream, detail);
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return new ConnectionClosingError(upstream, detail);
    default:
      return new UpstreamSocketError(upstream, detail);
  }
}
