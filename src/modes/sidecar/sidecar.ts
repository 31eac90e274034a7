import type net from 'node:net';
import type { Downstream } from '../../http/downstream/downstream.ts';
import { httpFront } from '../../http/front.ts';
import { SingleOrigin } from '../../http/forward/target-picker.ts';
import { originSettings } from '../../http/options.ts';
import { Origin } from '../../http/upstream/origin.ts';
import { parseOriginAddress, type OriginAddress } from '../../http/upstream/origin-address.ts';
import { parseAddress, type Address } from '../../net/address.ts';
import { TcpRelay } from '../../net/tcp-relay.ts';
import { createTlsTerminator, type TlsTerminator } from '../../tls/index.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { HttpsRedirect } from './https-redirect.ts';
import type { SidecarConfig } from './schema.ts';

/**
 * The book's sidecar: one local app behind padda, which terminates TLS on the
 * pod's address (when `tls:` is given) and forwards over loopback, as HTTP
 * (reverse proxy with the X-Forwarded set) or as bytes (`protocol: tcp`).
 * It is a composition: [TLS terminator →] Downstream → HttpProxy → one Origin,
 * or [TLS terminator →] TcpRelay; plus an optional HTTP→HTTPS redirect.
 */
export class Sidecar implements ModeHandler {
  private readonly serve: (socket: net.Socket) => void;
  private readonly terminator: TlsTerminator | null;
  private readonly downstream: Downstream | null = null;
  private readonly forwarder: TcpRelay | null = null;
  private readonly origin: Origin | null = null;
  private readonly redirect: HttpsRedirect | null;

  constructor(config: SidecarConfig, context: ModeContext) {
    if (config.protocol === 'http') {
      this.origin = new Origin(parseOriginAddress(config.upstream) as OriginAddress, originSettings(config.pool, config.timeouts.connect), context.log);
      const downstream = httpFront(new SingleOrigin(this.origin), config, context, config.tls?.http2 ?? false);
      this.downstream = downstream;
      this.serve = (socket) => downstream.accept(socket);
    } else {
      const forwarder = new TcpRelay({ upstreams: [parseAddress(config.upstream) as Address], connectTimeout: config.timeouts.connect, idleTimeout: 0 }, context);
      this.forwarder = forwarder;
      this.serve = (socket) => forwarder.accept(socket);
    }
    const alpn = config.protocol === 'tcp' ? [] : config.tls?.http2 ? ['h2', 'http/1.1'] : ['http/1.1'];
    this.terminator = config.tls ? createTlsTerminator(config.tls, alpn, this.serve, context) : null;
    const redirect = config.redirect_http;
    const tlsPort = config.listen.kind === 'tcp' ? config.listen.port : null;
    this.redirect = redirect ? new HttpsRedirect(redirect.listen, redirect.https_port ?? tlsPort, context, config.access_log) : null;
  }

  accept(socket: net.Socket): void {
    if (this.terminator !== null) this.terminator.accept(socket);
    else this.serve(socket);
  }

  async start(): Promise<void> {
    await this.redirect?.bind();
  }

  notReadyReason(): string | null {
    return this.redirect?.bindError ?? null;
  }

  async drain(): Promise<void> {
    // Handshakes in progress end up in the downstream, which by then closes each connection after its response.
    await this.terminator?.drain();
    this.terminator?.close();
    await Promise.all([this.downstream?.drain(), this.forwarder?.drain(), this.redirect?.drain()]);
    await this.origin?.close();
  }

  destroy(): void {
    this.terminator?.destroy();
    this.downstream?.destroy();
    this.forwarder?.destroy();
    this.redirect?.destroy();
    this.origin?.destroy();
  }

  stats(): Record<string, unknown> {
    return {
      connections: this.downstream?.connectionCount ?? this.forwarder?.connectionCount ?? 0,
      ...(this.origin ? { upstream: this.origin.stats() } : {}),
      ...(this.terminator ? { tls: this.terminator.stats() } : {}),
    };
  }
}
