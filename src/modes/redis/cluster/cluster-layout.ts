import { ReplyError, type ReplyValue } from '../../../protocols/resp/reply-value.ts';
import { SLOT_COUNT } from './hash-slot.ts';

/** One shard of a Redis Cluster as a node describes it: its slot ranges, its primary and its replicas, as host:port. */
export interface ClusterShard {
  /** Inclusive [start, end] pairs, flattened. */
  slots: number[];
  primary: string;
  /** Replicas that are online (CLUSTER SHARDS health), in the node's order. */
  replicas: string[];
}

/**
 * CLUSTER SHARDS (Redis 7): per shard a map of `slots` (start, end pairs)
 * and `nodes`, each node a map with `endpoint`, `ip`, `port`, `role` and
 * `health`. The endpoint is where clients should connect
 * (cluster-preferred-endpoint-type); an empty or `?` endpoint falls back to
 * the ip, and an empty one to the host the answer came from, as
 * cluster.c's addNodeToNodeReply documents. A shard with no slots, or whose
 * primary is missing, is left out.
 */
export function readClusterShards(value: ReplyValue, askedHost: string): ClusterShard[] {
  const shards: ClusterShard[] = [];
  for (const shard of list(value, 'CLUSTER SHARDS')) {
    const fields = pairs(shard);
    const slots = list(fields.get('slots') ?? [], 'slots').map(Number);
    let primary: string | null = null;
    const replicas: string[] = [];
    for (const node of list(fields.get('nodes') ?? [], 'nodes')) {
      const n = pairs(node);
      const port = Number(n.get('port'));
      if (!(port > 0)) continue;
      const address = hostPort(pick(String(n.get('endpoint') ?? ''), String(n.get('ip') ?? ''), askedHost), port);
      if (n.get('role') === 'master') primary = address;
      else if (n.get('health') === 'online') replicas.push(address);
    }
    if (primary !== null && slots.length > 0) shards.push({ slots, primary, replicas });
  }
  return shards;
}

/**
 * CLUSTER SLOTS (before Redis 7): per slot range `[start, end, primary,
 * replica…]`, each node `[host, port, id, …]`. Replicas listed here are
 * those the node does not know to be failing.
 */
export function readClusterSlots(value: ReplyValue, askedHost: string): ClusterShard[] {
  const shards: ClusterShard[] = [];
  for (const range of list(value, 'CLUSTER SLOTS')) {
    const [start, end, ...nodes] = list(range, 'a slot range');
    const addresses = nodes.map((node) => {
      const [host, port] = list(node, 'a node');
      return hostPort(pick(String(host ?? ''), '', askedHost), Number(port));
    });
    if (addresses.length === 0) continue;
    shards.push({ slots: [Number(start), Number(end)], primary: addresses[0]!, replicas: addresses.slice(1) });
  }
  return shards;
}

/** Why a layout cannot be used, or null: slot numbers out of range make no map. */
export function layoutProblem(shards: readonly ClusterShard[]): string | null {
  if (shards.length === 0) return 'the node serves no slot (is it a cluster member with slots assigned?)';
  for (const shard of shards) {
    for (let i = 0; i < shard.slots.length; i += 2) {
      const start = shard.slots[i]!, end = shard.slots[i + 1]!;
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end < SLOT_COUNT)) return `slot range ${start}-${end} is not within 0-${SLOT_COUNT - 1}`;
    }
  }
  return null;
}

function pick(endpoint: string, ip: string, askedHost: string): string {
  if (endpoint !== '' && endpoint !== '?') return endpoint;
  return ip !== '' && ip !== '?' ? ip : askedHost;
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function list(value: ReplyValue | undefined, what: string): ReplyValue[] {
  if (value instanceof ReplyError) throw new Error(`${what}: ${value.text}`);
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`);
  return value;
}

function pairs(value: ReplyValue): Map<string, ReplyValue> {
  const items = list(value, 'a map');
  const map = new Map<string, ReplyValue>();
  for (let i = 0; i + 1 < items.length; i += 2) map.set(String(items[i]), items[i + 1]!);
  return map;
}
