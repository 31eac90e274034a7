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
  const match = /^https?:\/\/([^/?#\s@]+)([^#\s]*)/i.exec(target);
  if (!match) return null;
  const rest = match[2]!;
  return { authority: match[1]!, path: rest === '' ? '/' : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest };
}
