/** The splitter's bucket table: shares follow weights, and weight changes move only the users they must. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDistribution } from '../../../src/hash/index.ts';
import { BUCKETS, BucketTable } from '../../../src/modes/split/buckets.ts';

const table = (...variants: Array<[string, number]>) => new BucketTable(variants.map(([name, weight]) => ({ name, weight })));
const names = (t: BucketTable, variants: string[]) => Array.from(t.variants, (i) => variants[i]!);

test('shares follow weights to within half a point; weight 0 takes nothing', () => {
  const t = table(['web', 9], ['experiment', 1], ['dark', 0]);
  const [web, experiment, dark] = t.shares(3);
  assert.ok(Math.abs(web! - 90) < 0.5 && Math.abs(experiment! - 10) < 0.5, `${web} / ${experiment}`);
  assert.equal(dark, 0);
  const five = table(['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 10]).shares(5);
  [5, 10, 15, 20, 50].forEach((want, i) => assert.ok(Math.abs(five[i]! - want) < 1, `${five}`));
});

test('90/10 → 80/20 moves buckets only from web to experiment, about the 10 % that must', () => {
  const before = names(table(['web', 9], ['experiment', 1]), ['web', 'experiment']);
  const after = names(table(['web', 8], ['experiment', 2]), ['web', 'experiment']);
  let moved = 0;
  for (let b = 0; b < BUCKETS; b++) {
    if (before[b] === after[b]) continue;
    assert.deepEqual([before[b], after[b]], ['web', 'experiment']);
    moved++;
  }
  assert.ok(moved > 900 && moved < 1150, `${moved} buckets moved`);
});

test('raising one of three weights moves buckets only to it; removing a variant moves only its buckets; order does not matter', () => {
  const three = ['a', 'b', 'c'];
  const base = names(table(['a', 1], ['b', 1], ['c', 1]), three);
  const raised = names(table(['a', 1], ['b', 2], ['c', 1]), three);
  for (let b = 0; b < BUCKETS; b++) if (base[b] !== raised[b]) assert.equal(raised[b], 'b');
  const removed = names(table(['a', 1], ['c', 1]), ['a', 'c']);
  for (let b = 0; b < BUCKETS; b++) if (base[b] !== 'b') assert.equal(removed[b], base[b]);
  const reordered = names(table(['c', 1], ['a', 1], ['b', 1]), ['c', 'a', 'b']);
  assert.deepEqual(reordered, base);
});

test('the table is the hash core\'s weighted rendezvous over the variant names, so every replica (and engine) builds the same one', () => {
  const variants = [{ name: 'web', weight: 7 }, { name: 'dark', weight: 0 }, { name: 'experiment', weight: 3 }];
  const live = variants.filter((v) => v.weight > 0);
  const core = buildDistribution('rendezvous', live);
  const t = new BucketTable(variants);
  for (let b = 0; b < BUCKETS; b++) assert.equal(variants[t.variants[b]!]!.name, live[core.pick(Math.imul(b + 1, 0x9e3779b9) >>> 0)]!.name, `bucket ${b}`);
});
