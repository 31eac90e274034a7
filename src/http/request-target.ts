/** An absolute-form request target split into what padda forwards. */
export interface AbsoluteTarget {
  path: string;
  authority: string;
}

/**
 * Turns an absolute-form target (`GET http://host/path`, which a server must
 * accept per RFC 9112 §3.2.2) into origin-form. The authority becomes the Host
 * the upstream sees; the request still goes only to the configured upstream,
 * never to the host it names, so padda cannot be used as an open proxy.
 * Null for anything else that is not origin-form (`*`, `host:port`, garbage).
 */
export function absoluteTarget(target: string): AbsoluteTarget | null {
  const match = /^https?:\/\/([^/?#\s@]+)([/?][^#\s]*)?$/i.exec(target);
  if (!match) return null;
  const rest = match[2] ?? '';
  return { authority: match[1]!, path: rest === '' ? '/' : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest };
}

/** Why padda answers a request itself instead of forwarding it. */
export interface Refusal {
  status: number;
  reason: string;
  message: string;
}

/** Where a request goes, or why padda answers it itself instead. */
/** RFC 9112 §3.2: a request with more than one Host line gets 400 (what the app and the router each read would differ). */
export const DUPLICATE_HOST: Refusal = { status: 400, reason: 'duplicate_host', message: 'a request must have one Host header' };

export type ResolvedTarget = { path: string; authority: string | null } | Refusal;

/**
 * The origin-form path (and authority, for an absolute-form target) a proxy
 * forwards, or the refusal for a request that must not be forwarded:
 * CONNECT, which is what makes an open proxy, and targets that are not a path.
 */
export function resolveTarget(method: string | undefined, target: string): ResolvedTarget {
  if (method === 'CONNECT') return { status: 405, reason: 'connect_refused', message: 'CONNECT is not supported: padda is not a forward proxy' };
  if (target.charCodeAt(0) === 47 /* / */) return { path: target, authority: null };
  return absoluteTarget(target) ?? { status: 400, reason: 'bad_request_target', message: 'request target must be a path or an absolute http(s) URL' };
}
