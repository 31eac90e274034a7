import http2 from 'node:http2';
import type net from 'node:net';
import type { AccessLog } from '../../logging/access-log.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import type { HeadLimits } from '../../protocols/http1/limits.ts';
import { ConnectionSet } from '../../net/connection-set.ts';
import { SlotList } from '../../net/slot-list.ts';
import type { ClientConnection, RequestHandler } from '../message.ts';
import { describeClient } from './client.ts';
import { Http1Connection, type Http1Settings } from './http1-connection.ts';
import { Http2Stream } from './http2-stream.ts';

export interface DownstreamOptions {
  /** Idle keep-alive connections (HTTP/1 and HTTP/2) close after this long (ms). */
  keepAliveTimeout: number;
  /** A request head must arrive within this (ms): slowloris protection. */
  headerTimeout: number;
  /** A request body may stall this long between two reads (ms; nginx client_body_timeout). */
  bodyTimeout: number;
  limits: HeadLimits;
  /** Serve HTTP/2 on sockets whose TLS handshake chose ALPN `h2`. */
  http2: boolean;
  /** New HTTP/2 streams one connection may open per second; past it the connection gets GOAWAY (rapid reset). */
  http2StreamsPerSecond: number;
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

/** What padda keeps per HTTP/2 connection: its socket, who the client is, and its streams in the current second. */
interface SessionState {
  socket: net.Socket;
  client: ClientConnection;
  second: number;
  streams: number;
  /** It was told to go away: its new streams are refused until its socket is cut. */
  refusing: boolean;
}

/** A connection closed for opening streams too fast gets this long to take its GOAWAY, then its socket is cut. */
const GOAWAY_GRACE_MS = 100;

/**
 * The client side of every HTTP mode: HTTP/1.1 on raw sockets (one
 * Http1Connection each) and, for TLS sockets that chose `h2` by ALPN,
 * HTTP/2 by node:http2; both hand their requests to one RequestHandler.
 * It never listens itself: the runtime's listener hands it sockets, so a
 * reload can replace the handler while the port stays bound; `drain`
 * finishes in-flight requests and closes each connection after its answer.
 */
export class Downstream implements Http1Settings {
  readonly handler: RequestHandler;
  readonly limits: HeadLimits;
  readonly headerTimeout: number;
  readonly keepAliveTimeout: number;
  readonly bodyTimeout: number;
  readonly metrics: ListenerMetrics;
  readonly accessLog: AccessLog | null;
  draining = false;
  private readonly connections: ConnectionSet;
  private readonly http1 = new SlotList<Http1Connection>();
  private readonly h2: http2.Http2Server | null;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly streamsPerSecond: number;
  /** The socket being handed to the HTTP/2 server, for its 'session' event. */
  private accepting: net.Socket | null = null;
  private sweep: NodeJS.Timeout | null = null;

  /** `accessLog`: the listener's, which the downstream closes once drained or destroyed. */
  constructor(handler: RequestHandler, metrics: ListenerMetrics, options: DownstreamOptions, accessLog: AccessLog | null = null) {
    this.handler = handler;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.limits = options.limits;
    this.headerTimeout = options.headerTimeout;
    this.keepAliveTimeout = options.keepAliveTimeout;
    this.bodyTimeout = options.bodyTimeout;
    this.streamsPerSecond = options.http2StreamsPerSecond;
    this.connections = new ConnectionSet(metrics);
    this.h2 = options.http2 ? this.createHttp2(options) : null;
  }

  accept(socket: net.Socket): void {
    this.connections.add(socket);
    if (this.h2 !== null && (socket as { alpnProtocol?: string | false }).alpnProtocol === 'h2') {
      this.accepting = socket;
      this.h2.emit('connection', socket);
      this.accepting = null;
      return;
    }
    socket.setNoDelay(true);
    this.http1.add(new Http1Connection(socket, describeClient(socket), this));
  }

  forget(connection: Http1Connection): void {
    this.http1.delete(connection);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async drain(): Promise<void> {
    this.draining = true;
    // GOAWAY: open streams finish, no new ones start; HTTP/2 has no race to avoid.
    for (const session of this.sessions) session.close();
    const grace = setTimeout(() => {
      this.closeIdle();
      this.sweep = setInterval(() => this.closeIdle(), DRAIN_SWEEP_MS);
    }, IDLE_GRACE_MS);
    await this.connections.empty();
    clearTimeout(grace);
    if (this.sweep !== null) clearInterval(this.sweep);
    await this.accessLog?.close();
  }

  destroy(): void {
    this.draining = true;
    if (this.sweep !== null) clearInterval(this.sweep);
    this.connections.destroyAll();
    this.h2?.close();
    void this.accessLog?.close();
  }

  private closeIdle(): void {
    for (const connection of this.http1.snapshot()) if (connection.idle) connection.closeIdle();
  }

  private createHttp2(options: DownstreamOptions): http2.Http2Server {
    const server = http2.createServer({
      maxSessionMemory: 16,
      settings: { maxHeaderListSize: options.limits.maxHeadSize, maxConcurrentStreams: 256 },
    });
    const states = new WeakMap<http2.Http2Session, SessionState>();
    server.on('session', (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      const socket = this.accepting!;
      states.set(session, { socket, client: describeClient(socket), second: 0, streams: 0, refusing: false });
      session.once('close', () => this.sessions.delete(session));
      if (this.draining) session.close();
      // An idle HTTP/2 connection is closed gracefully, like an idle HTTP/1 keep-alive one.
      session.setTimeout(options.keepAliveTimeout, () => session.close());
    });
    server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      const session = stream.session!;
      const state = states.get(session)!;
      if (state.refusing || this.tooFast(state)) {
        if (!state.refusing) this.goAway(session, state);
        stream.on('error', ignore);
        stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      new Http2Stream(stream, this).serve(headers, state.client, this.handler);
    });
    // Errors of one session or stream concern its client alone.
    server.on('sessionError', () => this.metrics.error('http2_session_error'));
    return server;
  }

  /**
   * Rapid reset (CVE-2023-44487): a client opening streams faster than any
   * page needs loses its connection: GOAWAY (ENHANCE_YOUR_CALM), then the
   * socket is cut, since node would end it only once the client has read
   * everything it is owed, which a flooding client may never do.
   */
  private goAway(session: http2.Http2Session, state: SessionState): void {
    state.refusing = true;
    this.metrics.error('http2_stream_rate');
    session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    setTimeout(() => {
      session.destroy();
      state.socket.destroy();
    }, GOAWAY_GRACE_MS).unref();
  }

  /** Counts a new stream against its connection's budget for the current second. */
  private tooFast(rate: SessionState): boolean {
    const second = Math.floor(performance.now() / 1000);
    if (second !== rate.second) {
      rate.second = second;
      rate.streams = 0;
    }
    return ++rate.streams > this.streamsPerSecond;
  }
}

function ignore(): void {}
