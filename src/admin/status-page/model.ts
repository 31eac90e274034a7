import type { ProcessReport } from '../../runtime/process-report.ts';
import type { RateTracker } from './rates.ts';
import type { SeriesReader } from './series.ts';

/** One line of a listener's table: the listener itself, or one of its servers, shards, variants, leaves, replicas or checks. */
export interface StatusRow {
  /** 0 for the listener, 1 for its members, 2 for a member's replicas. */
  depth: number;
  kind: string;
  name: string;
  /** up, down, ejected, draining, pass, fail, out (of the ring), or '' when the listener says nothing. */
  state: string;
  rate?: number | undefined;
  requests?: number | undefined;
  errors?: number | undefined;
  p50Ms?: number | undefined;
  p99Ms?: number | undefined;
  inBytes?: number | undefined;
  outBytes?: number | undefined;
  connections?: number | undefined;
  hitRatio?: number | undefined;
  detail?: string;
}

export interface ListenerView {
  name: string;
  mode: string;
  listen: string;
  /** Why it cannot serve, per worker; empty when ready. */
  notReady: string[];
  rows: StatusRow[];
}

/** Lists in a mode's /stats whose items are members, and what each item is. */
const MEMBER_LISTS: ReadonlyArray<readonly [string, string]> = [
  ['servers', 'server'], ['shards', 'shard'], ['variants', 'variant'], ['leaves', 'leaf'], ['replicas', 'replica'], ['upstreams', 'upstream'],
];
const NAME_KEYS = ['server', 'shard', 'variant', 'leaf', 'replica', 'upstream', 'name'];
/** Worst first: a member shown once for several workers takes the worst state any reports. */
const STATE_ORDER = ['down', 'fail', 'ejected', 'draining', 'out', 'up', 'pass', ''];

/**
 * Builds the tables of the status page from what /stats and /metrics hold:
 * the workers' listener reports (each mode's own stats, read generically:
 * any `servers`, `shards`, `variants`, `leaves`, `replicas`, `upstreams`
 * list and a health listener's `checks`) and the merged metric series.
 */
export function listenerViews(reports: readonly ProcessReport[], series: SeriesReader, rates: RateTracker, now: number): ListenerView[] {
  const views = new Map<string, ListenerView & { members: Map<string, StatusRow> }>();
  const seen = new Set<string>();
  for (const report of reports) {
    for (const status of report.listeners) {
      let view = views.get(status.name);
      if (view === undefined) {
        view = { name: status.name, mode: status.mode, listen: status.listen, notReady: [], rows: [], members: new Map() };
        views.set(status.name, view);
      }
      if (status.notReady !== null) view.notReady.push(reports.length > 1 ? `${report.role}: ${status.notReady}` : status.notReady);
      walk(status.stats, 1, '', view.members);
    }
  }
  const out: ListenerView[] = [];
  for (const view of views.values()) {
    const rateKey = (path: string) => {
      const key = `${view.name}${path}`;
      seen.add(key);
      return key;
    };
    const total = listenerRow(view, series);
    total.rate = total.requests === undefined ? undefined : rates.rate(rateKey(''), total.requests, now);
    const rows = [total];
    for (const [path, row] of view.members) {
      enrich(row, view.name, series);
      if (row.requests !== undefined) row.rate = rates.rate(rateKey(path), row.requests, now);
      rows.push(row);
    }
    out.push({ name: view.name, mode: view.mode, listen: view.listen, notReady: view.notReady, rows });
  }
  rates.keepOnly(seen);
  return out;
}

function listenerRow(view: ListenerView, series: SeriesReader): StatusRow {
  const l = { listener: view.name };
  return {
    depth: 0,
    kind: 'listener',
    name: view.name,
    state: view.notReady.length === 0 ? 'up' : 'down',
    requests: series.sum('padda_listener_requests_total', l),
    errors: series.sum('padda_listener_errors_total', l),
    p50Ms: series.quantileMs('padda_listener_request_duration_seconds', l, 0.5),
    p99Ms: series.quantileMs('padda_listener_request_duration_seconds', l, 0.99),
    inBytes: series.sum('padda_listener_received_bytes_total', l),
    outBytes: series.sum('padda_listener_sent_bytes_total', l),
    connections: series.sum('padda_listener_connections_active', l),
  };
}

/** Adds the members found in one worker's stats, merging with what other workers reported for the same member. */
function walk(stats: Record<string, unknown>, depth: number, parent: string, members: Map<string, StatusRow>): void {
  for (const [list, kind] of MEMBER_LISTS) {
    const items = stats[list];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (typeof item === 'string') {
        merge(members, `${parent}/${kind}:${item}`, { depth, kind, name: item, state: '' });
      } else if (isRecord(item)) {
        const name = NAME_KEYS.map((key) => item[key]).find((value) => typeof value === 'string') as string | undefined;
        if (name === undefined) continue;
        const path = `${parent}/${kind}:${name}`;
        merge(members, path, memberRow(item, depth, kind, name));
        walk(item, depth + 1, path, members);
      }
    }
  }
  // The sidecar's one upstream.
  const upstream = stats.upstream;
  if (isRecord(upstream) && typeof upstream.upstream === 'string') {
    merge(members, `${parent}/upstream:${upstream.upstream}`, { ...memberRow(upstream, depth, 'upstream', upstream.upstream), connections: number(upstream.connected) });
  }
  const checks = stats.checks;
  if (isRecord(checks)) {
    for (const [name, check] of Object.entries(checks)) {
      if (isRecord(check)) merge(members, `${parent}/check:${name}`, checkRow(check, depth, name));
    }
  }
}

function memberRow(item: Record<string, unknown>, depth: number, kind: string, name: string): StatusRow {
  return {
    depth,
    kind,
    name,
    state: stateOf(item),
    requests: number(item.requests),
    errors: number(item.errors),
    p50Ms: number(item.p50_ms),
    p99Ms: number(item.p99_ms),
    connections: number(item.in_flight),
    ...(item.in_distribution === false ? { detail: 'not in the distribution' } : {}),
  };
}

function checkRow(check: Record<string, unknown>, depth: number, name: string): StatusRow {
  const facts = [`${check.type} ${check.target}`];
  if (typeof check.latency_ms === 'number') facts.push(`${formatMs(check.latency_ms)} ms`);
  if (typeof check.reason === 'string') facts.push(check.reason);
  if (isRecord(check.details)) facts.push(...Object.entries(check.details).map(([key, value]) => `${key} ${value}`));
  return { depth, kind: 'check', name, state: check.status === 'pass' ? 'pass' : 'fail', detail: facts.join(' · ') };
}

function stateOf(item: Record<string, unknown>): string {
  if (item.ejected === true) return 'ejected';
  if (item.draining === true) return 'draining';
  if (item.available === false || item.healthy === false) return 'down';
  if (item.in_distribution === false) return 'out';
  return 'up';
}

function merge(members: Map<string, StatusRow>, path: string, row: StatusRow): void {
  const known = members.get(path);
  if (known === undefined) {
    members.set(path, row);
    return;
  }
  if (STATE_ORDER.indexOf(row.state) < STATE_ORDER.indexOf(known.state)) known.state = row.state;
  for (const field of ['requests', 'errors', 'connections'] as const) {
    if (row[field] !== undefined) known[field] = (known[field] ?? 0) + row[field];
  }
}

/** What the metrics add to a member: padda's own per-server and per-leaf series, and a server's own figures from backend stats. */
function enrich(row: StatusRow, listener: string, series: SeriesReader): void {
  if (row.kind === 'server') {
    const s = { listener, server: row.name };
    row.requests ??= series.sum('padda_server_requests_total', s);
    row.errors ??= series.sum('padda_server_errors_total', s);
    row.p50Ms ??= series.quantileMs('padda_server_request_duration_seconds', s, 0.5);
    row.p99Ms ??= series.quantileMs('padda_server_request_duration_seconds', s, 0.99);
    row.inBytes = series.sum('padda_server_received_bytes_total', s);
    row.outBytes = series.sum('padda_server_sent_bytes_total', s);
    row.connections = series.sum('padda_server_connections', s) ?? row.connections;
    backendFigures(row, s, series);
  } else if (row.kind === 'leaf') {
    const s = { listener, leaf: row.name };
    row.errors ??= series.sum('padda_scatter_leaf_failures_total', s);
    row.p50Ms ??= series.quantileMs('padda_scatter_leaf_duration_seconds', s, 0.5);
    row.p99Ms ??= series.quantileMs('padda_scatter_leaf_duration_seconds', s, 0.99);
  }
}

function backendFigures(row: StatusRow, s: { listener: string; server: string }, series: SeriesReader): void {
  const facts: string[] = [];
  const redis = series.labels('redis_instance_info', s);
  if (redis !== undefined) facts.push(`redis ${redis.redis_version} ${redis.role === 'slave' ? 'replica' : redis.role}`);
  const memcached = series.labels('memcached_version', s);
  if (memcached !== undefined) facts.push(`memcached ${memcached.version}`);
  const memory = series.sum('redis_memory_used_bytes', s) ?? series.sum('memcached_current_bytes', s);
  if (memory !== undefined) facts.push(`${formatBytes(memory)} used`);
  if (series.sum('redis_up', s) === 0 || series.sum('memcached_up', s) === 0) facts.push('no answer to stats');
  const hits = series.sum('redis_keyspace_hits_total', s) ?? series.sum('memcached_commands_total', { ...s, command: 'get', status: 'hit' });
  const misses = series.sum('redis_keyspace_misses_total', s) ?? series.sum('memcached_commands_total', { ...s, command: 'get', status: 'miss' });
  if (hits !== undefined && misses !== undefined && hits + misses > 0) row.hitRatio = hits / (hits + misses);
  if (facts.length > 0) row.detail = [row.detail, ...facts].filter(Boolean).join(' · ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
