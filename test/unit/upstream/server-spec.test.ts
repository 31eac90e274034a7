import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatServer, parseServerSpec } from '../../../src/upstream/server-spec.ts';
import { distributionName } from '../../../src/upstream/server-name.ts';

test('twemproxy server lines: host:port:weight with an optional name', () => {
  assert.deepEqual(parseServerSpec('127.0.0.1:6379:1'), { label: '127.0.0.1:6379:1', weight: 1, host: '127.0.0.1', port: 6379, portText: '6379' });
  assert.deepEqual(parseServerSpec('  sharded-redis-0.redis:6379:3 shard-0 '), {
    label: 'sharded-redis-0.redis:6379:3 shard-0', weight: 3, name: 'shard-0', host: 'sharded-redis-0.redis', port: 6379, portText: '6379',
  });
  assert.deepEqual(parseServerSpec('[::1]:6380:2'), { label: '[::1]:6380:2', weight: 2, host: '::1', port: 6380, portText: '6380' });
  assert.deepEqual(parseServerSpec('/var/run/redis.sock:1 local'), {
    label: '/var/run/redis.sock:1 local', weight: 1, name: 'local', host: '/var/run/redis.sock', port: 0, portText: '', path: '/var/run/redis.sock',
  });
});

test('the port text is kept as written, because twemproxy names servers by it', () => {
  const spec = parseServerSpec('10.0.0.1:06379:1');
  assert.ok(typeof spec !== 'string');
  assert.equal(spec.port, 6379);
  assert.equal(distributionName(spec), '10.0.0.1:06379');
  assert.equal(formatServer(spec), '10.0.0.1:06379');
  const memcache = parseServerSpec('10.0.0.1:11211:1');
  assert.ok(typeof memcache !== 'string');
  assert.equal(distributionName(memcache), '10.0.0.1');
});

test('malformed, truncated and hostile lines are refused with a reason, never thrown', () => {
  const refused: Array<[string, RegExp]> = [
    ['', /is not host:port:weight/],
    ['127.0.0.1', /is not host:port:weight/],
    ['127.0.0.1:6379', /is not host:port:weight/],
    ['127.0.0.1:6379:', /weight must be a positive integer/],
    ['127.0.0.1:6379:0', /weight must be a positive integer/],
    ['127.0.0.1:6379:-1', /weight must be a positive integer/],
    ['127.0.0.1:6379:1.5', /weight must be a positive integer/],
    ['127.0.0.1:6379:1e3', /weight must be a positive integer/],
    ['127.0.0.1:99999:1', /port must be 1-65535/],
    ['127.0.0.1:0:1', /port must be 1-65535/],
    ['127.0.0.1:http:1', /port must be 1-65535/],
    [':6379:1', /missing host/],
    ['127.0.0.1:6379:1 two words', /a server name is one word/],
  ];
  for (const [line, reason] of refused) {
    const parsed = parseServerSpec(line);
    assert.equal(typeof parsed, 'string', `${JSON.stringify(line)} was accepted`);
    assert.match(parsed as string, reason, JSON.stringify(line));
  }
});

test('a megabyte-long line is parsed, or refused, without trouble', () => {
  const parsed = parseServerSpec(`${'h'.repeat(1 << 20)}:6379:1`);
  assert.ok(typeof parsed !== 'string');
  assert.equal(parsed.host.length, 1 << 20);
  assert.equal(typeof parseServerSpec(`${':'.repeat(1 << 20)}`), 'string');
});
