import { Downstream } from './downstream.ts';
import { downstreamOptions, proxyOptions, type ClientConfig, type TimeoutsConfig } from './options.ts';
import { HttpProxy, type ProxyContext } from './proxy.ts';
import type { TargetPicker } from './target.ts';

/** The parsed `httpProxyKeys` a mode's config carries. */
export interface HttpProxyConfig {
  timeouts: TimeoutsConfig;
  client: ClientConfig;
  retries: number;
  preserve_host: boolean;
  request_id: boolean;
}

/**
 * The client side of a proxying mode in one call: a Downstream whose
 * requests and upgrades go through an HttpProxy over `picker`, with the
 * `client` limits and proxy options read from the mode's config. `http2`:
 * serve HTTP/2 to TLS clients that chose it by ALPN.
 */
export function httpFront(picker: TargetPicker, config: HttpProxyConfig, context: ProxyContext, http2 = false): Downstream {
  const proxy = new HttpProxy(picker, proxyOptions(config), context);
  return new Downstream({ request: proxy.handle, upgrade: proxy.upgrade }, context.metrics, downstreamOptions(config.client, http2));
}
