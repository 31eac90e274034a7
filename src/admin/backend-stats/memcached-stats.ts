/**
 * memcached `stats` as Prometheus series, under memcached_exporter's metric
 * names, so its dashboards read padda's figures.
 */
import type { Labels } from '../../metrics/registry.ts';
import type { FamilySet, FigureSpec } from './families.ts';

const FIGURES: readonly FigureSpec[] = [
  { field: 'uptime', metric: 'memcached_uptime_seconds', type: 'gauge', help: 'Seconds since the server started.' },
  { field: 'curr_connections', metric: 'memcached_current_connections', type: 'gauge', help: 'Connections open now.' },
  { field: 'total_connections', metric: 'memcached_connections_total', type: 'counter', help: 'Connections accepted.' },
  { field: 'rejected_connections', metric: 'memcached_connections_rejected_total', type: 'counter', help: 'Connections refused for maxconns.' },
  { field: 'curr_items', metric: 'memcached_current_items', type: 'gauge', help: 'Items stored now.' },
  { field: 'total_items', metric: 'memcached_items_total', type: 'counter', help: 'Items ever stored.' },
  { field: 'bytes', metric: 'memcached_current_bytes', type: 'gauge', help: 'Bytes used by items.' },
  { field: 'limit_maxbytes', metric: 'memcached_limit_bytes', type: 'gauge', help: 'Bytes the server may use for items (-m).' },
  { field: 'evictions', metric: 'memcached_items_evicted_total', type: 'counter', help: 'Items evicted to make room.' },
  { field: 'reclaimed', metric: 'memcached_items_reclaimed_total', type: 'counter', help: 'Expired items whose memory was reused.' },
  { field: 'bytes_read', metric: 'memcached_read_bytes_total', type: 'counter', help: 'Bytes read from the network.' },
  { field: 'bytes_written', metric: 'memcached_written_bytes_total', type: 'counter', help: 'Bytes written to the network.' },
  { field: 'threads', metric: 'memcached_threads', type: 'gauge', help: 'Worker threads.' },
];

/** memcached's per-command hit/miss counters, as memcached_exporter labels them. */
const COMMANDS: ReadonlyArray<{ field: string; command: string; status: string }> = [
  { field: 'get_hits', command: 'get', status: 'hit' },
  { field: 'get_misses', command: 'get', status: 'miss' },
  { field: 'get_expired', command: 'get', status: 'expired' },
  { field: 'cmd_set', command: 'set', status: 'hit' },
  { field: 'delete_hits', command: 'delete', status: 'hit' },
  { field: 'delete_misses', command: 'delete', status: 'miss' },
  { field: 'incr_hits', command: 'incr', status: 'hit' },
  { field: 'incr_misses', command: 'incr', status: 'miss' },
  { field: 'decr_hits', command: 'decr', status: 'hit' },
  { field: 'decr_misses', command: 'decr', status: 'miss' },
  { field: 'cas_hits', command: 'cas', status: 'hit' },
  { field: 'cas_misses', command: 'cas', status: 'miss' },
  { field: 'cas_badval', command: 'cas', status: 'badval' },
  { field: 'touch_hits', command: 'touch', status: 'hit' },
  { field: 'touch_misses', command: 'touch', status: 'miss' },
];

export function addMemcachedStats(families: FamilySet, stats: ReadonlyMap<string, string>, labels: Labels): void {
  families.addFigures(FIGURES, stats, labels);
  families.add('memcached_version', 'gauge', 'Always 1; the label carries the version.', { ...labels, version: stats.get('version') ?? '' }, 1);
  for (const { field, command, status } of COMMANDS) {
    const value = Number(stats.get(field));
    if (stats.has(field) && Number.isFinite(value)) families.add('memcached_commands_total', 'counter', 'Commands by kind and outcome.', { ...labels, command, status }, value);
  }
}
