import { openAccessLog } from '../logging/access-log.ts';
import { Downstream } from './downstream/downstream.ts';
import { downstreamOptions, proxyOptions, type HttpProxyConfig } from './options.ts';
import { HttpProxy, type ProxyContext } from './forward/proxy.ts';
import type { TargetPicker } from './forward/target-picker.ts';

/**
 * The client side of a proxying mode in one call: a Downstream whose
 * requests go through an HttpProxy over `picker`, with the `client` limits
 * and proxy options read from the mode's config. `http2`: serve HTTP/2 to
 * TLS clients that chose it by ALPN.
 */
export function httpFront(picker: TargetPicker, config: HttpProxyConfig, context: ProxyContext, http2 = false): Downstream {
  const proxy = new HttpProxy(picker, proxyOptions(config), context);
  return new Downstream(proxy, context.metrics, downstreamOptions(config.client, http2), openAccessLog(context.logs, context.listener, config.access_log));
}
