import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASK, MOVED, readRedirect, TRYAGAIN } from '../../../../src/modes/redis/cluster/redirect.ts';

const read = (text: string) => readRedirect(Buffer.from(text));

test('MOVED, ASK and TRYAGAIN as cluster.c writes them', () => {
  assert.deepEqual(read('-MOVED 3999 127.0.0.1:6381\r\n'), { kind: MOVED, slot: 3999, host: '127.0.0.1', port: 6381 });
  assert.deepEqual(read('-ASK 3999 10.0.0.7:7002\r\n'), { kind: ASK, slot: 3999, host: '10.0.0.7', port: 7002 });
  assert.deepEqual(read('-MOVED 1 [::1]:7000\r\n'), { kind: MOVED, slot: 1, host: '::1', port: 7000 });
  assert.deepEqual(read('-MOVED 1 ::1:7000\r\n'), { kind: MOVED, slot: 1, host: '::1', port: 7000 });
  // A node that does not know its endpoint leaves the host empty.
  assert.deepEqual(read('-MOVED 12182 :7000\r\n'), { kind: MOVED, slot: 12182, host: '', port: 7000 });
  assert.equal(read('-TRYAGAIN Multiple keys request during rehashing of slot\r\n')?.kind, TRYAGAIN);
});

test('other replies, and redirect look-alikes, are not redirects', () => {
  for (const text of ['+OK\r\n', '$5\r\nMOVED\r\n', '-ERR unknown command\r\n', '-MOVEDX 1 a:1\r\n', '-MOVED abc 127.0.0.1:1\r\n', '-MOVED 1 127.0.0.1\r\n', '-ASKING\r\n', '-']) {
    assert.equal(read(text), null, text);
  }
});
