/** Where an HTTP upstream lives, as undici needs it: an origin URL, and a socket path for unix sockets. */
export interface OriginAddress {
  /** `http://host:port` or `https://host:port`; `http://localhost` for a unix socket. */
  url: string;
  /** The `Host` sent when the client's is not preserved: `host:port` as written, or `localhost`. */
  host: string;
  socketPath?: string;
  /** As written in the config; used in logs, metric labels and /stats. */
  label: string;
}

/**
 * Parses `http://host:port`, `https://host:port`, bare `host:port` (plain
 * HTTP) or `unix:/path/app.sock` (HTTP over a unix socket, as many legacy apps
 * listen). A path or query in the URL is refused: padda forwards the client's
 * path unchanged, and silently dropping a configured prefix would surprise.
 */
export function parseOriginAddress(text: string): OriginAddress | string {
  const trimmed = text.trim();
  const unix = /^unix:(\/\S+)$/.exec(trimmed);
  if (unix) return { url: 'http://localhost', host: 'localhost', socketPath: unix[1]!, label: trimmed };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `"${text}" is not an upstream (expected http://host:port, https://host:port, host:port or unix:/path.sock)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `upstream scheme must be http or https, not ${url.protocol.slice(0, -1)}`;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return `upstream "${text}" must not have a path or query; the client's path is forwarded as is`;
  if (url.username || url.password) return `upstream "${text}" must not carry credentials`;
  return { url: url.origin, host: url.host, label: trimmed };
}

/**
 * The name that places an upstream on a consistent-hash ring: its authority as
 * written (`web-shard-1.web:80` for `http://web-shard-1.web:80`), which is
 * how nginx names `server web-shard-1.web:80;` — so the same list of
 * upstreams puts every key where nginx puts it.
 */
export function authorityAsWritten(upstream: string): string {
  return upstream.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/$/, '');
}
