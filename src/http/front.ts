import { Downstream } from './downstream.ts';
import { proxyOptions, type ClientConfig, type TimeoutsConfig } from './options.ts';
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
 * The client side of a plain-HTTP proxying mode in one call: a Downstream
 * whose requests and upgrades go through an HttpProxy over `picker`, with
 * the `client` limits and proxy options read from the mode's config.
 */
export function httpFront(picker: TargetPicker, config: HttpProxyConfig, context: ProxyContext): Downstream {
  const proxy = new HttpProxy(picker, proxyOptions(config), context);
  return new Downstream({ request: proxy.handle, upgrade: proxy.upgrade }, context.metrics, {
    keepAliveTimeout: config.client.keepalive_timeout,
    headersTimeout: config.client.header_timeout,
    maxHeaderSize: config.client.max_header_size,
  });
}
