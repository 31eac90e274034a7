/** A SlotList keeps exactly its members through joins and leaves in any order, and in several lists at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotList } from '../../../src/net/slot-list.ts';

test('members join once, leave once, in any order; a member of two lists is in each independently', () => {
  const list = new SlotList<{ id: number }>();
  const other = new SlotList<{ id: number }>();
  const items = Array.from({ length: 100 }, (_, id) => ({ id }));
  for (const item of items) list.add(item);
  list.add(items[0]!);
  other.add(items[5]!);
  assert.equal(list.size, 100, 'adding a member again keeps one entry');
  // Leave in a scrambled order; what is left must be exactly the rest.
  const leaving = items.filter((item) => item.id % 3 !== 0);
  for (const item of leaving.reverse()) assert.equal(list.delete(item), true);
  assert.equal(list.delete(items[1]!), false, 'a member leaves once');
  assert.deepEqual(list.snapshot().map((item) => item.id).sort((a, b) => a - b), items.filter((item) => item.id % 3 === 0).map((item) => item.id));
  assert.deepEqual(other.snapshot(), [items[5]], 'leaving one list is not leaving another');
  for (const item of list.snapshot()) list.delete(item);
  assert.equal(list.size, 0);
  list.add(items[7]!);
  assert.deepEqual(list.snapshot(), [items[7]], 'a member that left can join again');
});
