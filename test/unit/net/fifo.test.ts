import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fifo } from '../../../src/net/fifo.ts';

test('first in, first out across wrap-around and growth', () => {
  const fifo = new Fifo<number>(2);
  const expected: number[] = [];
  let next = 0;
  // Interleave pushes and shifts so the ring wraps before and after it grows.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < (round % 5) + 1; i++) {
      fifo.push(next);
      expected.push(next++);
    }
    for (let i = 0; i < round % 3; i++) assert.equal(fifo.shift(), expected.shift());
    assert.equal(fifo.length, expected.length);
    assert.equal(fifo.peek(), expected[0]);
  }
  assert.deepEqual(fifo.drainAll(), expected);
  assert.equal(fifo.length, 0);
  assert.equal(fifo.shift(), undefined);
  assert.equal(fifo.peek(), undefined);
});
