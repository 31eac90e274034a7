import type { Logger } from '../log.ts';
import { openAccessLog } from '../logging/access-log.ts';
import { Downstream } from './downstream/downstream.ts';
import { downstreamOptions, proxyOptions, type HttpProxyConfig } from './options.ts';
import { GatedPicker } from './forward/gated-picker.ts';
import { HttpProxy, type ProxyContext } from './forward/proxy.ts';
import type { TargetPicker } from './forward/target-picker.ts';
import { RateLimiter } from './rate-limit/limiter.ts';
import { TrustedProxies } from './trusted-proxies.ts';

/**
 * The client side of a proxying mode in one call: a Downstream whose
 * requests go through an HttpProxy over `picker`, with the `client` limits,
 * proxy options, `trusted_proxies` and `rate_limit` read from the mode's
 * config. `http2`: serve HTTP/2 to TLS clients that chose it by ALPN.
 */
export function httpFront(picker: TargetPicker, config: HttpProxyConfig, context: ProxyContext & { log: Logger }, http2 = false): Downstream {
  const trusted = config.trusted_proxies?.length ? new TrustedProxies(config.trusted_proxies) : null;
  const gate = config.rate_limit ? new RateLimiter(config.rate_limit, context) : null;
  const proxy = new HttpProxy(gate === null ? picker : new GatedPicker(picker, gate), proxyOptions(config), context, { trusted, gate });
  return new Downstream(proxy, context.metrics, downstreamOptions(config.client, http2), openAccessLog(context.logs, context.listener, config.access_log));
}
