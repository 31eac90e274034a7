import type net from 'node:net';
import tls from 'node:tls';
import { rawErrorResponse } from '../http/errors.ts';
import type { Logger } from '../log.ts';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { Counter, Registry } from '../metrics/registry.ts';
import type { CertificateStore } from './certificate-store.ts';
import { SessionCache } from './session-cache.ts';

export interface TerminatorOptions {
  /** A client must complete the handshake within this (ms), counted from accept: slowloris protection. */
  handshakeTimeout: number;
  /** ALPN protocols offered, in preference order; empty offers none. */
  alpn: string[];
  requestCert: boolean;
  rejectUnauthorized: boolean;
  /** ms a session id stays resumable in the cache: the store's session timeout, which tickets get too. */
  sessionTimeout: number;
}

/** What a listener's TLS termination reports to: its name, metrics and log. */
export interface TlsContext {
  listener: string;
  metrics: ListenerMetrics;
  registry: Registry;
  log: Logger;
}

const SESSION_CACHE_ENTRIES = 20_000;

const PLAIN_HTTP_ANSWER = rawErrorResponse(400, 'plain_http_to_tls_port', 'This port speaks HTTPS: use https://');

/** A TLS handshake record starts with 22; an HTTP request with a method in capitals. */
function looksLikePlainHttp(firstByte: number): boolean {
  return firstByte >= 0x41 && firstByte <= 0x5a;
}

type Wrapped = tls.TLSSocket & { _parent?: net.Socket };

/**
 * Terminates TLS on sockets the runtime accepted raw. A tls.Server that never
 * listens does the handshakes (it gets each socket by an emitted
 * 'connection'), with SNI served from the certificate store and session
 * resumption by tickets (keys rotated every session timeout) and by session
 * id (a bounded cache). Before the handshake the first bytes are looked at:
 * plain HTTP gets a readable 400 instead of a TLS alert. A handshake not done
 * within the timeout, however slowly its bytes trickle in, is cut.
 */
export class TlsTerminator {
  private readonly server: tls.Server;
  private readonly store: CertificateStore;
  private readonly options: TerminatorOptions;
  private readonly metrics: ListenerMetrics;
  private readonly log: Logger;
  /** Sockets accepted and not yet secure, with their handshake deadline. */
  private readonly pending = new Map<net.Socket, NodeJS.Timeout>();
  private readonly handshakes: { full: Counter; resumed: Counter };
  private readonly sessions: SessionCache;
  private idle: (() => void) | null = null;

  constructor(store: CertificateStore, options: TerminatorOptions, secure: (socket: tls.TLSSocket) => void, context: TlsContext) {
    this.store = store;
    this.options = options;
    this.metrics = context.metrics;
    this.log = context.log;
    const help = 'Completed TLS handshakes, full or resumed (session ticket or id).';
    this.handshakes = {
      full: context.registry.counter('padda_tls_handshakes_total', help, { listener: context.listener, resumed: 'false' }),
      resumed: context.registry.counter('padda_tls_handshakes_total', help, { listener: context.listener, resumed: 'true' }),
    };
    this.server = tls.createServer({
      ...store.defaultOptions(),
      ...(options.alpn.length > 0 ? { ALPNProtocols: options.alpn } : {}),
      requestCert: options.requestCert,
      rejectUnauthorized: options.rejectUnauthorized,
      // Our own deadline (from accept) is the one that counts; this is a backstop.
      handshakeTimeout: options.handshakeTimeout * 2,
      // With one certificate there is nothing to choose: skipping the callback saves a JS round trip per handshake.
      ...(store.size > 1 ? { SNICallback: (servername: string, done: (error: Error | null, context: tls.SecureContext) => void) => done(null, this.store.contextFor(servername)) } : {}),
    });
    this.server.on('secureConnection', (socket: Wrapped) => {
      this.settle(socket._parent);
      (socket.isSessionReused() ? this.handshakes.resumed : this.handshakes.full).value++;
      secure(socket);
    });
    this.server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: Wrapped) => {
      this.settle(socket._parent);
      this.metrics.error(handshakeFailure(error));
      socket.destroy();
    });
    this.sessions = new SessionCache(SESSION_CACHE_ENTRIES, options.sessionTimeout);
    this.sessions.attach(this.server);
    store.onChange(() => this.server.setSecureContext(store.defaultOptions()));
  }

  accept(raw: net.Socket): void {
    raw.on('error', () => raw.destroy());
    this.pending.set(raw, setTimeout(() => this.expire(raw), this.options.handshakeTimeout));
    raw.once('close', () => this.settle(raw));
    // Listening sockets allow half-open (for the tcp mode). Before and during a handshake a FIN
    // must close the socket, or a client that leaves mid-hello holds it until the deadline;
    // TLS itself has no half-close to keep (close_notify ends both directions in TLS 1.2).
    raw.allowHalfOpen = false;
    raw.once('data', (chunk: Buffer) => {
      raw.pause();
      if (looksLikePlainHttp(chunk[0]!)) {
        this.metrics.error('plain_http_to_tls_port');
        this.settle(raw);
        raw.end(PLAIN_HTTP_ANSWER);
        return;
      }
      // TLS reads what is buffered on the socket before it reads the socket itself.
      raw.unshift(chunk);
      this.server.emit('connection', raw);
    });
  }

  stats(): Record<string, unknown> {
    return { handshaking: this.pending.size, cachedSessions: this.sessions.size, certificates: this.store.describe() };
  }

  /** Resolves when no handshake is in progress (each is bounded by the handshake timeout). */
  drain(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }

  destroy(): void {
    for (const raw of [...this.pending.keys()]) raw.destroy();
    this.close();
  }

  close(): void {
    this.store.close();
  }

  private expire(raw: net.Socket): void {
    this.metrics.error('tls_handshake_timeout');
    this.log.debug({ client: raw.remoteAddress }, 'TLS handshake timed out');
    this.settle(raw);
    raw.destroy();
  }

  private settle(raw: net.Socket | undefined): void {
    if (raw === undefined) return;
    const timer = this.pending.get(raw);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(raw);
    if (this.pending.size === 0) this.idle?.();
  }
}

/** A short, bounded label for a failed handshake, for the errors metric. */
function handshakeFailure(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'tls_handshake_timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'tls_client_reset';
  if (/CERTIFICATE|CERT_/.test(code) || /certificate/i.test(error.message)) return 'tls_client_certificate';
  if (/VERSION|PROTOCOL|CIPHER|NO_SHARED|ALERT/.test(code)) return 'tls_protocol_mismatch';
  return 'tls_handshake_failed';
}
