import { twemproxyServerName } from '../hash/index.ts';
import type { ServerSpec } from './server-spec.ts';

/**
 * The name a distribution places a server by, derived from the config entry
 * as twemproxy does: the explicit name, else `host` when the port is 11211,
 * else `host:port` with the port text as written. Keys only stay where
 * twemproxy put them if these names match byte for byte.
 */
export function distributionName(spec: ServerSpec): string {
  const name = spec.name ? { name: spec.name } : {};
  if (spec.path !== undefined) return twemproxyServerName({ host: spec.path, port: '', ...name });
  return twemproxyServerName({ host: spec.host, port: spec.portText, ...name });
}

/** A name used twice would make two servers one on the ring; twemproxy refuses such a pool. */
export function duplicateServerName(specs: readonly ServerSpec[]): string | null {
  const seen = new Set<string>();
  for (const spec of specs) {
    const name = distributionName(spec);
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}
