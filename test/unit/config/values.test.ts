import assert from 'node:assert/strict';
import { test } from 'node:test';
import { address, byteSize, duration } from '../../../src/config/values.ts';
import { formatAddress, parseAddress } from '../../../src/net/address.ts';

test('addresses: host:port, [v6]:port, unix paths with twemproxy permissions', () => {
  assert.deepEqual(parseAddress('0.0.0.0:6379'), { kind: 'tcp', host: '0.0.0.0', port: 6379 });
  assert.deepEqual(parseAddress('[::1]:8080'), { kind: 'tcp', host: '::1', port: 8080 });
  assert.deepEqual(parseAddress('redis-0.redis:6379'), { kind: 'tcp', host: 'redis-0.redis', port: 6379 });
  assert.deepEqual(parseAddress('/tmp/padda.sock 0666'), { kind: 'unix', path: '/tmp/padda.sock', permissions: 0o666 });
  assert.deepEqual(parseAddress('unix:/tmp/padda.sock'), { kind: 'unix', path: '/tmp/padda.sock' });
  assert.equal(formatAddress({ kind: 'tcp', host: '::1', port: 1 }), '[::1]:1');
});

test('malformed, truncated and hostile addresses are refused with a message', () => {
  for (const text of ['', ':', ':80', 'host', 'host:', 'host:port', 'host:0', 'host:65536', 'host:123456', '::1:80', '[::1]', '[zz]:80',
    'a b:80', '/tmp/x.sock 9999', 'tcp://host:80', `${'h'.repeat(1 << 20)}:`]) {
    const parsed = parseAddress(text);
    assert.equal(typeof parsed, 'string', `${JSON.stringify(text.slice(0, 40))} was accepted`);
  }
  assert.match(parseAddress('host:70000') as string, /port 70000 is out of range 1-65535/);
  const result = address.safeParse('nope');
  assert.equal(result.success, false);
});

test('durations: bare numbers are ms, units ms s m h; anything else is refused', () => {
  assert.equal(duration.parse(400), 400);
  assert.equal(duration.parse('250ms'), 250);
  assert.equal(duration.parse('2.5s'), 2500);
  assert.equal(duration.parse(' 1m '), 60_000);
  assert.equal(duration.parse('1h'), 3_600_000);
  for (const bad of [-1, '-1s', '1d', 's', '1 s s', '', '1e3', 'NaN', '0x10']) {
    assert.equal(duration.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('sizes: bytes or powers of 1024; fractions floor; garbage and negatives are refused', () => {
  assert.equal(byteSize.parse(65536), 65536);
  assert.equal(byteSize.parse('64kb'), 65536);
  assert.equal(byteSize.parse('32MiB'), 32 * 1024 * 1024);
  assert.equal(byteSize.parse('1.5k'), 1536);
  assert.equal(byteSize.parse('1gb'), 1024 ** 3);
  for (const bad of [-1, 1.5, '-1mb', '1tb', 'mb', '1 m b', '', 'ten']) {
    assert.equal(byteSize.safeParse(bad).success, false, JSON.stringify(bad));
  }
});
