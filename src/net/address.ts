/** Where a listener binds or an upstream lives: a TCP host and port, or a unix socket path. */
export type Address =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string; permissions?: number };

/**
 * Parses `host:port`, `[v6]:port`, `/path/to.sock` or `unix:/path/to.sock`, and
 * twemproxy's `/path/to.sock 0666` (a unix listen with permissions). Returns a
 * message instead of throwing so the config loader can place it at the right line.
 */
export function parseAddress(text: string): Address | string {
  const trimmed = text.trim();
  const unix = /^(?:unix:)?(\/\S+)(?:\s+([0-7]{3,4}))?$/.exec(trimmed);
  if (unix) {
    return unix[2] === undefined
      ? { kind: 'unix', path: unix[1]! }
      : { kind: 'unix', path: unix[1]!, permissions: parseInt(unix[2], 8) };
  }
  const tcp = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(trimmed);
  if (!tcp) return `"${text}" is not an address (expected host:port, [ipv6]:port or /path/to.sock)`;
  const port = Number(tcp[3]);
  if (port < 1 || port > 65535) return `port ${port} is out of range 1-65535`;
  return { kind: 'tcp', host: tcp[1] ?? tcp[2]!, port };
}

export function formatAddress(address: Address): string {
  if (address.kind === 'unix') return address.path;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Binds a server to an address and settles once: resolved when listening,
 * rejected with the bind error; no listener is left behind either way, so a
 * server can be tried on another address after a failure.
 */
export function listenOn(server: import('node:net').Server, address: Address): Promise<void> {
  return new Promise((resolve, reject) => {
    const listening = () => {
      server.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      server.off('listening', listening);
      reject(error);
    };
    server.once('listening', listening);
    server.once('error', failed);
    if (address.kind === 'unix') server.listen(address.path);
    else server.listen(address.port, address.host);
  });
}
