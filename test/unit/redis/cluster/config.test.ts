import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../../src/cli/config.ts';
import { loadConfigText } from '../../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../../src/config/problems.ts';

function load(pool: string): Record<string, unknown> {
  const config = loadConfigText(configSchema, 'padda.yaml', `listeners:\n  cache:\n    mode: redis\n    listen: 127.0.0.1:6400\n${pool}`, {}) as { listeners: Record<string, Record<string, unknown>> };
  return config.listeners.cache!;
}

function problems(pool: string): string[] {
  try {
    load(pool);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map(formatProblem);
  }
  assert.fail('config was accepted');
}

test('cluster: seeds as host:port, with the refresh interval defaulted', () => {
  const pool = load('    cluster: [10.0.0.1:7000, "[::1]:7001", redis-0.redis:6379]\n');
  assert.deepEqual((pool.cluster as Array<{ host: string; port: number }>).map((seed) => `${seed.host} ${seed.port}`), ['10.0.0.1 7000', '::1 7001', 'redis-0.redis 6379']);
  assert.equal(pool.cluster_refresh_interval, 5000);
  assert.equal(pool.servers, undefined);
});

test('a pool with both servers and cluster, with neither, or with a bad seed is refused at its line', () => {
  assert.deepEqual(problems('    servers: [127.0.0.1:6379:1]\n    cluster: [127.0.0.1:7000]\n'), ['padda.yaml:6:14 listeners.cache.cluster: a pool has servers or a cluster, not both']);
  assert.deepEqual(problems('    timeout: 100\n'), ['padda.yaml:3:5 listeners.cache.servers: a pool needs servers (or cluster: seeds of a Redis Cluster)']);
  assert.deepEqual(problems('    cluster:\n      - 127.0.0.1:7000:1\n'), ['padda.yaml:6:9 listeners.cache.cluster[0]: "127.0.0.1:7000:1" is not host:port (a cluster seed has no weight or name)']);
  assert.deepEqual(problems('    cluster: []\n'), ['padda.yaml:5:14 listeners.cache.cluster: a cluster needs at least one seed']);
  assert.deepEqual(problems('    hash_tag: "[]"\n    cluster: [127.0.0.1:7000]\n'), ['padda.yaml:5:15 listeners.cache.hash_tag: a Redis Cluster hashes the part of a key between { and }: hash_tag can only be "{}"']);
});

test('read_from only with a cluster; a cluster has database 0 only', () => {
  assert.equal(load('    cluster: [127.0.0.1:7000]\n    read_from: prefer_replica\n').read_from, 'prefer_replica');
  assert.deepEqual(problems('    servers: [127.0.0.1:6379:1]\n    read_from: replica\n'), ['padda.yaml:6:16 listeners.cache.read_from: read_from applies to a cluster pool: a twemproxy pool knows no replicas']);
  assert.deepEqual(problems('    cluster: [127.0.0.1:7000]\n    redis_db: 2\n'), ['padda.yaml:6:15 listeners.cache.redis_db: a Redis Cluster has database 0 only']);
});
