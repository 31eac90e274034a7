import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import { ConnectionSet } from '../net/connection-set.ts';
import { rawErrorResponse } from './errors.ts';
import { DEFAULT_DOWNSTREAM } from './options.ts';
import type { ProxiedRequest, ProxiedResponse } from './request-head.ts';

export interface DownstreamOptions {
  /** Idle keep-alive connections close after this long (ms). */
  keepAliveTimeout: number;
  /** A client must finish sending headers within this (ms): slowloris protection. */
  headersTimeout: number;
  maxHeaderSize: number;
  /** Serve HTTP/2 on sockets whose TLS handshake chose ALPN `h2`. */
  http2?: boolean;
}

export interface DownstreamHandlers {
  request(request: ProxiedRequest, response: ProxiedResponse): void;
  /** Requests with `Upgrade` (except h2c, which is ignored as RFC 9113 allows); without this they are ordinary requests. */
  upgrade?(request: http.IncomingMessage, socket: net.Socket, head: Buffer): void;
}

/**
 * Closing an idle HTTP/1 keep-alive connection races a request the client
 * may be sending on it that instant (the client sees a reset). So a drain
 * first answers every request that arrives with `Connection: close`, a clean
 * end, and closes connections only once they have stayed idle this long.
 */
const IDLE_GRACE_MS = 1000;
/** After the grace, connections that are idle are closed this often. */
const DRAIN_SWEEP_MS = 100;

/**
 * The client side of every HTTP mode: a node:http server (and, for TLS
 * sockets that negotiated `h2`, a node:http2 one) that never listens itself.
 * The runtime's listener hands it sockets, so a reload can replace the
 * request handler while the port stays bound; `drain` finishes in-flight
 * requests and closes each connection after its current response.
 */
export class Downstream {
  readonly server: http.Server;
  private readonly h2: http2.Http2Server | null;
  private readonly connections: ConnectionSet;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly metrics: ListenerMetrics;
  private draining = false;
  private sweep: NodeJS.Timeout | null = null;

  constructor(handlers: DownstreamHandlers, metrics: ListenerMetrics, options: DownstreamOptions = DEFAULT_DOWNSTREAM) {
    this.metrics = metrics;
    this.connections = new ConnectionSet(metrics);
    const request = handlers.request;
    this.server = http.createServer(
      {
        keepAliveTimeout: options.keepAliveTimeout,
        headersTimeout: options.headersTimeout,
        requestTimeout: 0,
        // node checks header deadlines on this tick (30 s by default, which would let a slowloris
        // client overstay a short header_timeout by that much); it walks only connections mid-request.
        connectionsCheckingInterval: Math.min(1000, options.headersTimeout),
        maxHeaderSize: options.maxHeaderSize,
        noDelay: true,
        // A request without a body starts ended: no 'data'/'end' events to run for the common GET.
        optimizeEmptyRequests: true,
        shouldUpgradeCallback: (req: http.IncomingMessage) => handlers.upgrade !== undefined && !isH2cUpgrade(req),
      } as http.ServerOptions,
      (req, res) => {
        // Keep-alive requests arriving after a drain began get `Connection: close`.
        if (this.draining) res.shouldKeepAlive = false;
        request(req, res);
      },
    );
    if (handlers.upgrade) this.server.on('upgrade', handlers.upgrade);
    this.server.on('connect', refuseConnect);
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => this.clientError(error, socket as net.Socket));
    // node:http checks header and request timeouts from a timer it starts on 'listening'.
    this.server.emit('listening');
    this.h2 = options.http2 ? this.createHttp2(request, options) : null;
  }

  accept(socket: net.Socket): void {
    this.connections.add(socket);
    if (this.h2 !== null && (socket as { alpnProtocol?: string | false }).alpnProtocol === 'h2') this.h2.emit('connection', socket);
    else this.server.emit('connection', socket);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async drain(): Promise<void> {
    this.draining = true;
    // GOAWAY: open streams finish, no new ones start; HTTP/2 has no race to avoid.
    for (const session of this.sessions) session.close();
    const grace = setTimeout(() => {
      this.server.closeIdleConnections();
      this.sweep = setInterval(() => this.server.closeIdleConnections(), DRAIN_SWEEP_MS);
    }, IDLE_GRACE_MS);
    await this.connections.empty();
    clearTimeout(grace);
    if (this.sweep !== null) clearInterval(this.sweep);
  }

  destroy(): void {
    this.draining = true;
    if (this.sweep !== null) clearInterval(this.sweep);
    this.connections.destroyAll();
    this.server.close();
    this.h2?.close();
  }

  private createHttp2(request: DownstreamHandlers['request'], options: DownstreamOptions): http2.Http2Server {
    const server = http2.createServer({
      maxSessionMemory: 16,
      settings: { maxHeaderListSize: options.maxHeaderSize, maxConcurrentStreams: 256 },
    }, request);
    server.on('session', (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
      if (this.draining) session.close();
      // An idle HTTP/2 connection is closed gracefully, like an idle HTTP/1 keep-alive one.
      session.setTimeout(options.keepAliveTimeout, () => session.close());
    });
    // Errors of one session or stream concern its client alone.
    server.on('sessionError', () => this.metrics.error('http2_session_error'));
    return server;
  }

  private clientError(error: NodeJS.ErrnoException, socket: net.Socket): void {
    const { status, reason } = clientErrorAnswer(error);
    this.metrics.error(reason);
    const inFlight = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (!socket.writable || error.code === 'ECONNRESET' || inFlight?.headersSent) {
      // Nothing sensible can be written: the client left, or a response to it is half sent.
      socket.destroy();
      return;
    }
    socket.end(rawErrorResponse(status, reason));
  }
}

function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; reason: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'header_overflow' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'client_header_timeout' };
    default:
      // Includes request smuggling shapes llhttp refuses: both Content-Length and
      // Transfer-Encoding, repeated Content-Length, bad chunk sizes, bare LF.
      return { status: 400, reason: 'bad_request' };
  }
}

function isH2cUpgrade(req: http.IncomingMessage): boolean {
  return /^\s*h2c\s*$/i.test(String(req.headers.upgrade));
}

const CONNECT_REFUSED = rawErrorResponse(405, 'connect_refused');

/** CONNECT asks for a tunnel to anywhere; a reverse proxy never opens one. */
function refuseConnect(_req: http.IncomingMessage, socket: Duplex): void {
  socket.end(CONNECT_REFUSED);
}
