import type { ServerSpec } from './types.ts';

/** twemproxy's default memcached port: servers on it are named by host alone (libmemcached compatibility). */
const KETAMA_DEFAULT_PORT = 11211;

/**
 * The name twemproxy places a server by (nc_conf.c, conf_add_server): the
 * optional name after the address if given; else `host` when the port is
 * 11211; else `host:port` exactly as written in the config (so the port text
 * "06379" stays "06379"). A unix socket path has no port and is named
 * `path:` — twemproxy takes one byte past the path, the ':' before the weight.
 */
export function twemproxyServerName(server: { host: string; port?: number | string; name?: string }): string {
  if (server.name) return server.name;
  if (server.port === undefined || server.port === '') return `${server.host}:`;
  if (Number(server.port) === KETAMA_DEFAULT_PORT) return server.host;
  return `${server.host}:${server.port}`;
}

const encoder = new TextEncoder();

/**
 * The order twemproxy keeps a pool's servers in: it sorts them by name
 * (shorter names first, then bytewise) while checking for duplicates, and
 * builds its tables in that order. That order decides which server modula's
 * `hash % n` lands on. Returns server indexes in that order.
 */
export function twemproxyOrder(servers: readonly ServerSpec[]): number[] {
  const names = servers.map((s) => encoder.encode(s.name));
  return servers
    .map((_, i) => i)
    .sort((a, b) => names[a].length - names[b].length || Buffer.compare(names[a], names[b]) || a - b);
}
