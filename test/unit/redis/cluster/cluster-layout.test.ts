import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutProblem, readClusterShards, readClusterSlots } from '../../../../src/modes/redis/cluster/cluster-layout.ts';
import { decodeReply } from '../../../../src/protocols/resp/reply-value.ts';

function resp(value: unknown): string {
  if (typeof value === 'number') return `:${value}\r\n`;
  if (typeof value === 'string') return `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  const items = value as unknown[];
  return `*${items.length}\r\n${items.map(resp).join('')}`;
}

const node = (port: number, role: string, health = 'online', endpoint = '127.0.0.1') =>
  ['id', `id${port}`, 'port', port, 'ip', '127.0.0.1', 'endpoint', endpoint, 'role', role, 'replication-offset', 0, 'health', health];

test('CLUSTER SHARDS: slot ranges, the primary, online replicas only', () => {
  const reply = resp([
    ['slots', [0, 5460, 10923, 10930], 'nodes', [node(7000, 'master'), node(7003, 'replica'), node(7004, 'replica', 'loading')]],
    ['slots', [5461, 10922], 'nodes', [node(7001, 'master', 'online', '')]],
    // A shard with no slots (a new primary) places nothing.
    ['slots', [], 'nodes', [node(7005, 'master')]],
  ]);
  assert.deepEqual(readClusterShards(decodeReply(Buffer.from(reply)), 'seed.local'), [
    { slots: [0, 5460, 10923, 10930], primary: '127.0.0.1:7000', replicas: ['127.0.0.1:7003'] },
    { slots: [5461, 10922], primary: '127.0.0.1:7001', replicas: [] },
  ]);
});

test('CLUSTER SLOTS: per range the primary then the replicas; an empty host is the node asked', () => {
  const reply = resp([
    [0, 5460, ['127.0.0.1', 7000, 'a'], ['127.0.0.1', 7003, 'd']],
    [5461, 16383, ['', 7001, 'b']],
  ]);
  assert.deepEqual(readClusterSlots(decodeReply(Buffer.from(reply)), '10.1.1.1'), [
    { slots: [0, 5460], primary: '127.0.0.1:7000', replicas: ['127.0.0.1:7003'] },
    { slots: [5461, 16383], primary: '10.1.1.1:7001', replicas: [] },
  ]);
});

test('a layout with no slots or slots out of range is refused; hostile replies throw, never crash', () => {
  assert.match(layoutProblem([])!, /serves no slot/);
  assert.match(layoutProblem([{ slots: [0, 16384], primary: 'a:1', replicas: [] }])!, /not within 0-16383/);
  assert.match(layoutProblem([{ slots: [10, 5], primary: 'a:1', replicas: [] }])!, /10-5/);
  assert.equal(layoutProblem([{ slots: [0, 16383], primary: 'a:1', replicas: [] }]), null);
  assert.throws(() => readClusterShards(decodeReply(Buffer.from('-ERR This instance has cluster support disabled\r\n')), 'h'), /cluster support disabled/);
  assert.throws(() => readClusterSlots(decodeReply(Buffer.from(':1\r\n')), 'h'), /not an array/);
  for (const bad of ['*1\r\n$5\r\nab\r\n', '*2\r\n:1\r\n', '$3\r\nabcdef\r\n', '*1\r\n:x\r\n', '!3\r\nerr\r\n', '*1\r\n:1\r\n:2\r\n']) {
    assert.throws(() => decodeReply(Buffer.from(bad)), Error, JSON.stringify(bad));
  }
});
