import type net from 'node:net';
import { Downstream } from '../../http/downstream/downstream.ts';
import type { ClientResponse, HttpRequest, RequestHandler } from '../../http/message.ts';
import { DEFAULT_DOWNSTREAM } from '../../http/options.ts';
import { openAccessLog } from '../../logging/access-log.ts';
import type { AccessLogConfig } from '../../logging/schema.ts';
import { ABSOLUTE_FORM } from '../../protocols/http1/request-target.ts';
import { formatAddress, type Address } from '../../net/address.ts';
import { Listener } from '../../runtime/listener.ts';
import type { ModeContext } from '../mode.ts';

/** A Host we are willing to put into a Location header: a name or address, and an optional port. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

const BAD_HOST = ['content-type', 'text/plain; charset=utf-8', 'x-padda-error', 'bad_host'];

/**
 * `redirect_http`: a plain-HTTP port that sends every request to the same
 * path over HTTPS with 308 (method and body kept). It binds its own socket
 * beside the listener's, with SO_REUSEPORT, so a reload's new handler can
 * bind it while the old one still drains.
 */
export class HttpsRedirect implements RequestHandler {
  private readonly listener: Listener;
  private readonly downstream: Downstream;
  private readonly portSuffix: string;
  private readonly context: ModeContext;

  /** `accessLog`: the sidecar's, which logs the redirects too. */
  constructor(listen: Address, httpsPort: number | null, context: ModeContext, accessLog: AccessLogConfig | undefined) {
    this.context = context;
    this.portSuffix = httpsPort === null || httpsPort === 443 ? '' : `:${httpsPort}`;
    this.downstream = new Downstream(this, context.metrics, DEFAULT_DOWNSTREAM, openAccessLog(context.logs, context.listener, accessLog));
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

  handle(request: HttpRequest, response: ClientResponse): void {
    const head = request.head;
    let target = request.target;
    let host = request.header('host', 1);
    if (head.targetForm === ABSOLUTE_FORM) {
      host = head.buffer.toString('latin1', head.authorityStart, head.authorityEnd);
      const rest = head.buffer.toString('latin1', head.authorityEnd, head.targetEnd);
      target = rest === '' ? '/' : rest.charCodeAt(0) === 0x3f /* ? */ ? `/${rest}` : rest;
    } else if (target.charCodeAt(0) !== 0x2f /* / */) {
      target = '/';
    }
    const match = host === undefined ? null : HOST.exec(host);
    if (match === null) {
      this.context.metrics.error('bad_host');
      response.answer(400, BAD_HOST, 'a redirect to HTTPS needs a valid Host header\n');
      return;
    }
    response.answer(308, ['location', `https://${match[1]}${this.portSuffix}${target}`], '');
  }
}
