/**
 * Redis INFO as Prometheus series, under redis_exporter's metric names, so
 * dashboards and alerts written for it read padda's figures: the book's
 * monitoring adapter (a redis_exporter beside Redis), built in.
 */
import type { Labels } from '../../metrics/registry.ts';
import type { FamilySet, FigureSpec } from './families.ts';

const FIGURES: readonly FigureSpec[] = [
  { field: 'uptime_in_seconds', metric: 'redis_uptime_in_seconds', type: 'gauge', help: 'Seconds since the server started.' },
  { field: 'connected_clients', metric: 'redis_connected_clients', type: 'gauge', help: 'Client connections open now.' },
  { field: 'blocked_clients', metric: 'redis_blocked_clients', type: 'gauge', help: 'Clients waiting in a blocking command.' },
  { field: 'used_memory', metric: 'redis_memory_used_bytes', type: 'gauge', help: 'Bytes allocated by Redis.' },
  { field: 'used_memory_rss', metric: 'redis_memory_used_rss_bytes', type: 'gauge', help: 'Resident set size of the server.' },
  { field: 'maxmemory', metric: 'redis_memory_max_bytes', type: 'gauge', help: 'maxmemory setting; 0 is no limit.' },
  { field: 'mem_fragmentation_ratio', metric: 'redis_mem_fragmentation_ratio', type: 'gauge', help: 'RSS over used memory.' },
  { field: 'total_connections_received', metric: 'redis_connections_received_total', type: 'counter', help: 'Connections accepted.' },
  { field: 'rejected_connections', metric: 'redis_rejected_connections_total', type: 'counter', help: 'Connections refused for maxclients.' },
  { field: 'total_commands_processed', metric: 'redis_commands_processed_total', type: 'counter', help: 'Commands processed.' },
  { field: 'total_net_input_bytes', metric: 'redis_net_input_bytes_total', type: 'counter', help: 'Bytes read from the network.' },
  { field: 'total_net_output_bytes', metric: 'redis_net_output_bytes_total', type: 'counter', help: 'Bytes written to the network.' },
  { field: 'keyspace_hits', metric: 'redis_keyspace_hits_total', type: 'counter', help: 'Key lookups that found the key.' },
  { field: 'keyspace_misses', metric: 'redis_keyspace_misses_total', type: 'counter', help: 'Key lookups that missed.' },
  { field: 'expired_keys', metric: 'redis_expired_keys_total', type: 'counter', help: 'Keys removed because their TTL passed.' },
  { field: 'evicted_keys', metric: 'redis_evicted_keys_total', type: 'counter', help: 'Keys evicted for maxmemory.' },
  { field: 'connected_slaves', metric: 'redis_connected_slaves', type: 'gauge', help: 'Replicas connected to this server.' },
  { field: 'master_repl_offset', metric: 'redis_master_repl_offset', type: 'gauge', help: 'Replication offset of this server.' },
  { field: 'master_last_io_seconds_ago', metric: 'redis_master_last_io_seconds_ago', type: 'gauge', help: 'On a replica: seconds since it last heard from its master.' },
  { field: 'used_cpu_sys', metric: 'redis_cpu_sys_seconds_total', type: 'counter', help: 'System CPU the server used.' },
  { field: 'used_cpu_user', metric: 'redis_cpu_user_seconds_total', type: 'counter', help: 'User CPU the server used.' },
];

/** `db0:keys=1,expires=0,avg_ttl=0` lines of INFO keyspace. */
const KEYSPACE_LINE = /^db\d+$/;

export function addRedisInfo(families: FamilySet, info: ReadonlyMap<string, string>, labels: Labels): void {
  families.addFigures(FIGURES, info, labels);
  const role = info.get('role');
  families.add('redis_instance_info', 'gauge', 'Always 1; labels carry the role and version.', { ...labels, role: role ?? '', redis_version: info.get('redis_version') ?? '' }, 1);
  if (role === 'slave') families.add('redis_master_link_up', 'gauge', 'On a replica: 1 while its link to the master is up.', labels, info.get('master_link_status') === 'up' ? 1 : 0);
  for (const [field, text] of info) {
    if (!KEYSPACE_LINE.test(field)) continue;
    const parts = new Map(text.split(',').map((pair) => pair.split('=') as [string, string]));
    const db = { ...labels, db: field };
    families.add('redis_db_keys', 'gauge', 'Keys in the database.', db, Number(parts.get('keys') ?? 0));
    families.add('redis_db_keys_expiring', 'gauge', 'Keys with a TTL in the database.', db, Number(parts.get('expires') ?? 0));
  }
}
