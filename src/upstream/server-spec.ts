/**
 * One backend server as twemproxy writes it: `host:port:weight [name]`, or a
 * unix socket `/path:weight [name]`. The name, when given, is what ketama
 * hashes instead of the address, so servers can move without moving keys.
 */
export interface ServerSpec {
  /** The entry exactly as written in the config, for logs, metrics and `padda route`. */
  label: string;
  host: string;
  /** 0 for a unix socket. */
  port: number;
  /** The port as written: twemproxy's ketama names use the text ("06379" stays "06379"). */
  portText: string;
  /** Set for a unix socket. */
  path?: string;
  weight: number;
  /** The optional name after the address. */
  name?: string;
}

export function parseServerSpec(text: string): ServerSpec | string {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  const address = space < 0 ? trimmed : trimmed.slice(0, space);
  const name = space < 0 ? undefined : trimmed.slice(space).trim();
  if (name !== undefined && (name === '' || /\s/.test(name))) return `"${text}": a server name is one word after the address`;
  const weightAt = address.lastIndexOf(':');
  if (weightAt < 0) return `"${text}" is not host:port:weight`;
  const weight = Number(address.slice(weightAt + 1));
  if (!/^\d+$/.test(address.slice(weightAt + 1)) || weight < 1) return `"${text}": weight must be a positive integer`;
  const rest = address.slice(0, weightAt);
  const base = { label: trimmed, weight, ...(name !== undefined ? { name } : {}) };
  if (rest.startsWith('/')) return { ...base, host: rest, port: 0, portText: '', path: rest };
  const portAt = rest.lastIndexOf(':');
  if (portAt < 0) return `"${text}" is not host:port:weight`;
  let host = rest.slice(0, portAt);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = rest.slice(portAt + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `"${text}": port must be 1-65535`;
  if (host === '') return `"${text}": missing host`;
  return { ...base, host, port, portText };
}

/** `host:port` (or the socket path) of a server entry, without weight and name. */
export function formatServer(spec: ServerSpec): string {
  if (spec.path !== undefined) return spec.path;
  return spec.host.includes(':') ? `[${spec.host}]:${spec.portText}` : `${spec.host}:${spec.portText}`;
}
