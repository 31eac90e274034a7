import type http from 'node:http';
import type net from 'node:net';
import { Downstream } from '../../http/downstream.ts';
import { replyError } from '../../http/errors.ts';
import type { ProxiedRequest, ProxiedResponse } from '../../http/request-head.ts';
import { absoluteTarget } from '../../http/request-target.ts';
import { formatAddress, type Address } from '../../net/address.ts';
import { Listener } from '../../runtime/listener.ts';
import type { ModeContext } from '../mode.ts';

/** A Host we are willing to put into a Location header: a name or address, and an optional port. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/**
 * `redirect_http`: a plain-HTTP port that sends every request to the same
 * path over HTTPS with 308 (method and body kept). It binds its own socket
 * beside the listener's, with SO_REUSEPORT, so a reload's new handler can
 * bind it while the old one still drains.
 */
export class HttpsRedirect {
  private readonly listener: Listener;
  private readonly downstream: Downstream;
  private readonly portSuffix: string;
  private readonly context: ModeContext;

  constructor(listen: Address, httpsPort: number | null, context: ModeContext) {
    this.context = context;
    this.portSuffix = httpsPort === null || httpsPort === 443 ? '' : `:${httpsPort}`;
    this.downstream = new Downstream({ request: (request, response) => this.redirect(request, response) }, context.metrics);
    this.listener = new Listener(listen, {
      accept: (socket: net.Socket) => this.downstream.accept(socket),
      start: () => Promise.resolve(),
      notReadyReason: () => null,
      drain: () => this.downstream.drain(),
      destroy: () => this.downstream.destroy(),
      stats: () => ({}),
    }, context.log.child({ redirect: formatAddress(listen) }), { reusePort: true });
  }

  bind(): Promise<void> {
    return this.listener.bind();
  }

  /** Null once bound; otherwise why not, for /ready. */
  get bindError(): string | null {
    return this.listener.bindError;
  }

  async drain(): Promise<void> {
    await this.listener.close();
    await this.downstream.drain();
  }

  destroy(): void {
    void this.listener.close();
    this.downstream.destroy();
  }

  private redirect(request: ProxiedRequest, response: ProxiedResponse): void {
    this.context.metrics.requests.value++;
    let target = request.url!;
    let host = (request as http.IncomingMessage).headers.host;
    if (target.charCodeAt(0) !== 47 /* / */) {
      const absolute = absoluteTarget(target);
      target = absolute?.path ?? '/';
      host = absolute?.authority ?? host;
    }
    const match = host === undefined ? null : HOST.exec(host);
    if (match === null) {
      this.context.metrics.error('bad_host');
      replyError(response, 400, 'bad_host', 'a redirect to HTTPS needs a valid Host header', '');
      return;
    }
    response.writeHead(308, ['location', `https://${match[1]}${this.portSuffix}${target}`, 'content-length', '0']);
    response.end();
  }
}
