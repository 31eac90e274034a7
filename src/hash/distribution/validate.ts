import type { ServerSpec } from './types.ts';

/** Largest weight accepted: tables that expand weights (modula, jump, ketama_nginx) stay bounded. */
const MAX_WEIGHT = 100_000;

/**
 * Rejects what no distribution can place: no servers, empty or duplicate
 * names (twemproxy refuses duplicates too: two servers would claim the same
 * points), and weights that are not whole numbers in 1..MAX_WEIGHT
 * (0, NaN, fractions, Infinity).
 */
export function validateServers(servers: readonly ServerSpec[]): void {
  if (servers.length === 0) throw new RangeError('a distribution needs at least one server');
  const seen = new Set<string>();
  servers.forEach((s, i) => {
    if (typeof s.name !== 'string' || s.name.length === 0) {
      throw new RangeError(`server ${i} has an empty name`);
    }
    if (seen.has(s.name)) throw new RangeError(`servers have the same name "${s.name}"`);
    seen.add(s.name);
    if (!Number.isInteger(s.weight) || s.weight < 1 || s.weight > MAX_WEIGHT) {
      throw new RangeError(`server "${s.name}" has weight ${s.weight}; weights are whole numbers 1..${MAX_WEIGHT}`);
    }
  });
}

/** A live mask, checked against the server list; all live when omitted. */
export function liveMask(servers: readonly ServerSpec[], live?: readonly boolean[]): boolean[] {
  if (live === undefined) return servers.map(() => true);
  if (live.length !== servers.length) {
    throw new RangeError(`live mask has ${live.length} entries for ${servers.length} servers`);
  }
  return live.map(Boolean);
}
