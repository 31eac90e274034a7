import type { ServerSpec } from '../../../upstream/server-spec.ts';

/** A cluster node as `host:port` (`[v6]:port`), the way seeds are written and MOVED names nodes; a message when it is not one. */
export function parseNodeAddress(text: string): ServerSpec | string {
  const match = /^(\[[^\]]+\]|[^\s:[\]]+):(\d+)$/.exec(text.trim());
  if (match === null) return `"${text}" is not host:port (a cluster seed has no weight or name)`;
  const portText = match[2]!;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `"${text}": port must be 1-65535`;
  let host = match[1]!;
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { label: text.trim(), host, port, portText, weight: 1 };
}
