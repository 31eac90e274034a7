/**
 * The replies by which a Redis Cluster node sends a command elsewhere
 * (cluster.c clusterRedirectClient, the cluster spec's "Redirection and
 * resharding"): `-MOVED <slot> <host>:<port>` — the slot lives there now,
 * for good; `-ASK <slot> <host>:<port>` — this one command goes there,
 * after ASKING, while the slot migrates; `-TRYAGAIN …` — a multi-key
 * command met a slot half migrated: the same node, a moment later.
 */
export const MOVED = 1;
export const ASK = 2;
export const TRYAGAIN = 3;

export interface Redirect {
  kind: number;
  slot: number;
  /** host:port as the node wrote it; the host is empty when the node does not know its own (use the one asked). */
  host: string;
  port: number;
}

const MINUS = 0x2d;

/** The redirect a reply is, or null for any other reply (the common case costs one byte compare). */
export function readRedirect(reply: Buffer): Redirect | null {
  if (reply[0] !== MINUS) return null;
  const first = reply[1];
  // M, A, T: every other error reply is not a redirect.
  if (first !== 0x4d && first !== 0x41 && first !== 0x54) return null;
  const text = reply.toString('latin1', 1, Math.min(reply.length, 320)).trimEnd();
  if (text.startsWith('TRYAGAIN')) return { kind: TRYAGAIN, slot: -1, host: '', port: 0 };
  const match = /^(MOVED|ASK) (\d+) (.*):(\d+)$/.exec(text);
  if (match === null) return null;
  let host = match[3]!;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { kind: match[1] === 'MOVED' ? MOVED : ASK, slot: Number(match[2]), host, port: Number(match[4]) };
}
