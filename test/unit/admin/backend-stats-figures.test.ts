import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FamilySet } from '../../../src/admin/backend-stats/families.ts';
import { addMemcachedStats } from '../../../src/admin/backend-stats/memcached-stats.ts';
import { addRedisInfo } from '../../../src/admin/backend-stats/redis-info.ts';
import { parseInfo } from '../../../src/probe/redis.ts';

const labels = { listener: 'l', server: 's' };
const values = (families: FamilySet, name: string) => families.snapshot().find((f) => f.name === name)?.samples.map((s) => [s.labels, s.value]);

test('a replica\'s INFO: its link, its lag, every database\'s keys; text fields are not numbers', () => {
  const info = parseInfo([
    '# Server', 'redis_version:7.0.15', 'uptime_in_seconds:12', '',
    '# Replication', 'role:slave', 'master_link_status:down', 'master_last_io_seconds_ago:-1', 'master_repl_offset:5',
    '# Keyspace', 'db0:keys=3,expires=1,avg_ttl=99', 'db5:keys=7,expires=0,avg_ttl=0', '',
  ].join('\r\n'));
  const families = new FamilySet();
  addRedisInfo(families, info, labels);
  assert.deepEqual(values(families, 'redis_master_link_up'), [[labels, 0]]);
  assert.deepEqual(values(families, 'redis_master_last_io_seconds_ago'), [[labels, -1]]);
  assert.deepEqual(values(families, 'redis_db_keys'), [[{ ...labels, db: 'db0' }, 3], [{ ...labels, db: 'db5' }, 7]]);
  assert.deepEqual(values(families, 'redis_instance_info'), [[{ ...labels, role: 'slave', redis_version: '7.0.15' }, 1]]);
  assert.equal(values(families, 'redis_memory_used_bytes'), undefined, 'absent fields give no series');
});

test('memcached stats: figures and per-command outcomes; a malformed number is left out', () => {
  const families = new FamilySet();
  addMemcachedStats(families, new Map([['curr_items', '4'], ['get_hits', '2'], ['get_misses', 'x'], ['version', '1.6.18']]), labels);
  assert.deepEqual(values(families, 'memcached_current_items'), [[labels, 4]]);
  assert.deepEqual(values(families, 'memcached_commands_total'), [[{ ...labels, command: 'get', status: 'hit' }, 2]]);
  assert.deepEqual(values(families, 'memcached_version'), [[{ ...labels, version: '1.6.18' }, 1]]);
});
