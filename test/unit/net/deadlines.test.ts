/** The one deadline list: items expire once due, leave when untracked, and one expiry may untrack others mid-tick. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deadlines, TICK_MS, type Expiring } from '../../../src/net/deadlines.ts';

class Item implements Expiring {
  deadline = 0;
  deadlineSlot = -1;
  expired = 0;
  onExpire: (() => void) | null = null;
  expire(): void {
    this.expired++;
    this.onExpire?.();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, TICK_MS * 2 + 20));

test('a due item expires once and leaves; a later one stays; an untracked one never expires', async () => {
  const deadlines = new Deadlines();
  const [due, later, gone] = [new Item(), new Item(), new Item()];
  due.deadline = deadlines.now;
  later.deadline = deadlines.now + 60_000;
  gone.deadline = deadlines.now;
  for (const item of [due, later, gone, due]) deadlines.track(item);
  assert.equal(deadlines.size, 3, 'tracking twice keeps one entry');
  deadlines.untrack(gone);
  deadlines.untrack(gone);
  assert.equal(deadlines.size, 2);
  await tick();
  assert.deepEqual([due.expired, later.expired, gone.expired], [1, 0, 0]);
  assert.equal(due.deadlineSlot, -1);
  assert.equal(deadlines.size, 1);
  deadlines.untrack(later);
  assert.equal(deadlines.size, 0);
});

test('an expiry that untracks and tracks others loses none of the due ones', async () => {
  const deadlines = new Deadlines();
  const items = Array.from({ length: 50 }, () => new Item());
  for (const item of items) {
    item.deadline = deadlines.now;
    deadlines.track(item);
  }
  const spared = items.slice(10, 20);
  const rearmed = new Item();
  rearmed.deadline = deadlines.now + 60_000;
  // The first item to expire takes ten others out and brings a new one in.
  let first = true;
  for (const item of items) {
    item.onExpire = () => {
      if (!first) return;
      first = false;
      for (const other of spared) if (other !== item) deadlines.untrack(other);
      deadlines.track(rearmed);
    };
  }
  await tick();
  const expired = items.filter((item) => item.expired === 1).length;
  assert.ok(items.every((item) => item.expired <= 1), 'none expires twice');
  assert.ok(expired >= 40 && expired <= 41, `40 or 41 expired (the first may be one of the spared), got ${expired}`);
  assert.equal(deadlines.size, 1);
  assert.equal(rearmed.expired, 0);
  deadlines.untrack(rearmed);
});
