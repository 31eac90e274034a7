import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc16 } from '../../../../src/hash/functions/crc.ts';
import { keySlot } from '../../../../src/modes/redis/cluster/hash-slot.ts';

/** The slot of the whole key, tags ignored. */
const whole = (key: string) => crc16(Buffer.from(key), 0, Buffer.byteLength(key)) & 16383;
const slot = (key: string) => keySlot(Buffer.from(key), 0, Buffer.byteLength(key));

test('CRC16 of the Redis Cluster spec: "123456789" is 0x31C3, slot 12739', () => {
  assert.equal(slot('123456789'), 0x31c3 % 16384);
  assert.equal(slot(''), 0);
  // Values CLUSTER KEYSLOT gives on redis-server 7.0.
  assert.equal(slot('foo'), 12182);
  assert.equal(slot('bar'), 5061);
});

test('hash tags, by the cluster spec\'s own examples', () => {
  assert.equal(slot('{user1000}.following'), slot('user1000'));
  assert.equal(slot('{user1000}.followers'), slot('user1000'));
  // An empty tag hashes the whole key.
  assert.equal(slot('foo{}{bar}'), whole('foo{}{bar}'));
  assert.notEqual(slot('foo{}{bar}'), slot('bar'));
  // Only the first { counts, up to the first } after it.
  assert.equal(slot('foo{{bar}}zap'), slot('{bar'));
  assert.equal(slot('foo{bar}{zap}'), slot('bar'));
  // No } after the {: the whole key.
  assert.equal(slot('foo{bar'), whole('foo{bar'));
  assert.equal(slot('foo}{bar'), whole('foo}{bar'));
});

test('a key inside a larger buffer is hashed within its bounds only', () => {
  const buffer = Buffer.from('*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n{tag}');
  const start = buffer.indexOf('foo');
  assert.equal(keySlot(buffer, start, start + 3), slot('foo'));
});
