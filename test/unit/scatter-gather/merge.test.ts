import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { MergeConfig } from '../../../src/modes/scatter-gather/config.ts';
import { placeAt, splitPath, valueAt } from '../../../src/modes/scatter-gather/merge/json-path.ts';
import { createMergeStrategy } from '../../../src/modes/scatter-gather/merge/index.ts';
import { MergeError } from '../../../src/modes/scatter-gather/merge/strategy.ts';

const merge = (config: Partial<MergeConfig> & { strategy: MergeConfig['strategy'] }, ...values: unknown[]) =>
  createMergeStrategy({ path: '', ...config } as MergeConfig).merge(values.map((value, i) => ({ leaf: `leaf-${i}`, value })), []);

test('union: by id when the item has it, by value otherwise', () => {
  assert.deepEqual(merge({ strategy: 'union', id: 'id' }, [{ id: 1, a: 1 }, { x: 1 }], [{ id: 1, a: 2 }, { x: 1 }, { id: '1' }]), [{ id: 1, a: 1 }, { x: 1 }, { id: '1' }]);
  assert.deepEqual(merge({ strategy: 'union' }, [1, 'a', null], ['a', 2, null, 1]), [1, 'a', null, 2]);
  assert.deepEqual(merge({ strategy: 'union' }), []);
});

test('intersection: a leaf listing an item twice still counts once', () => {
  assert.deepEqual(merge({ strategy: 'intersection' }, [1, 1, 2], [1, 3], [3, 1]), [1]);
  assert.deepEqual(merge({ strategy: 'intersection' }, [1, 2], [2, 2]), [2]);
  assert.deepEqual(merge({ strategy: 'intersection', id: 'id' }, [{ id: 'a', v: 1 }], [{ id: 'a', v: 2 }]), [{ id: 'a', v: 1 }]);
  assert.deepEqual(merge({ strategy: 'intersection' }), []);
});

test('sum: numbers, objects of numbers; conflicting shapes are a MergeError', () => {
  assert.equal(merge({ strategy: 'sum' }, 2, 3.5), 5.5);
  const first = { a: { b: 1 } };
  assert.deepEqual(merge({ strategy: 'sum' }, first, { a: { b: 2, c: 1 } }), { a: { b: 3, c: 1 } });
  assert.deepEqual(first, { a: { b: 1 } }, 'the leaves\' values are not mutated');
  assert.throws(() => merge({ strategy: 'sum' }, { a: 1 }, { a: { b: 1 } }), MergeError);
  const strategy = createMergeStrategy({ strategy: 'sum', path: '' });
  assert.equal(strategy.check({ a: [1] }), 'not_numbers');
  assert.equal(strategy.check({ a: Infinity }), 'not_numbers');
  assert.equal(strategy.check({ a: { b: 2 } }), null);
});

test('topk: stable for ties, non-comparable ranks last, strings compare too', () => {
  const items = merge({ strategy: 'topk', sort: 's', order: 'desc', limit: 4 }, [{ s: 1, n: 'a' }, { n: 'none' }], [{ s: 2 }, { s: 1, n: 'b' }]);
  assert.deepEqual(items, [{ s: 2 }, { s: 1, n: 'a' }, { s: 1, n: 'b' }, { n: 'none' }]);
  assert.deepEqual(merge({ strategy: 'topk', sort: 'name', order: 'asc', limit: 2 }, [{ name: 'b' }], [{ name: 'a' }, { name: 'c' }]), [{ name: 'a' }, { name: 'b' }]);
});

test('concat and first', () => {
  assert.deepEqual(merge({ strategy: 'concat' }, [1], [], [2, 3]), [1, 2, 3]);
  assert.deepEqual(merge({ strategy: 'first' }, { a: 1 }, { b: 2 }), { a: 1 });
  assert.equal(createMergeStrategy({ strategy: 'first', path: '' }).firstWins, true);
  assert.equal(createMergeStrategy({ strategy: 'concat', path: '' }).check({}), 'not_an_array');
});

test('module: CommonJS and ES modules, default or named `merge`; a module without a function is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-merge-'));
  try {
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return { kind: 'config-file' as const, written: name, path: file };
    };
    const cjs = write('cjs.cjs', 'module.exports = (answers, { missing }) => ({ n: answers.length, missing });');
    const esm = write('esm.mjs', 'export function merge(answers) { return answers.map((a) => a.leaf); }');
    const none = write('none.mjs', 'export const merge = 42;');
    const nothing = write('nothing.mjs', 'export default function merge() {}');
    const leaves = [{ leaf: 'a', value: 1 }, { leaf: 'b', value: 2 }];
    assert.deepEqual(createMergeStrategy({ strategy: 'module', path: '', module: cjs }).merge(leaves, ['c']), { n: 2, missing: ['c'] });
    assert.deepEqual(createMergeStrategy({ strategy: 'module', path: '', module: esm }).merge(leaves, []), ['a', 'b']);
    assert.throws(() => createMergeStrategy({ strategy: 'module', path: '', module: none }), /exports no function/);
    assert.throws(() => createMergeStrategy({ strategy: 'module', path: '', module: nothing }).merge(leaves, []), MergeError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('paths: only own keys are found; the answer nests the value back at its path', () => {
  assert.deepEqual(splitPath('a.b'), ['a', 'b']);
  assert.deepEqual(splitPath(''), []);
  assert.equal(valueAt({ a: { b: [1] } }, ['a', 'b', 'c']), undefined);
  assert.deepEqual(valueAt({ a: { b: [1] } }, ['a', 'b']), [1]);
  assert.equal(valueAt({}, ['constructor']), undefined);
  assert.equal(valueAt({ a: [{ b: 1 }] }, ['a', '0']), undefined, 'arrays are not indexed into');
  assert.deepEqual(placeAt(['a', 'b'], [1]), { a: { b: [1] } });
  assert.equal(placeAt([], 7), 7);
});

test('sum of hostile answers: a key named __proto__ is counted like any other, and answers nested too deep are refused, not a stack overflow', () => {
  const words = (text: string) => JSON.parse(text) as unknown;
  const total = merge({ strategy: 'sum' }, words('{"the":1}'), words('{"__proto__":5,"the":2}'), words('{"__proto__":1,"x":{"__proto__":{"y":3}}}'));
  assert.deepEqual(total, words('{"the":3,"__proto__":6,"x":{"__proto__":{"y":3}}}'));
  assert.equal(Object.getPrototypeOf(total), Object.prototype, 'no answer set the prototype');
  assert.equal(JSON.stringify(total), '{"the":3,"__proto__":6,"x":{"__proto__":{"y":3}}}');
  assert.throws(() => merge({ strategy: 'sum' }, words('{"a":{"b":1}}'), words('{"a":{"b":{"c":1}}}')), /leaves disagree on a\.b: a number in one, an object in another/);
  const strategy = createMergeStrategy({ strategy: 'sum', path: '' });
  const nested = (depth: number) => words(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
  assert.equal(strategy.check(nested(100)), null);
  assert.equal(strategy.check(nested(101)), 'not_numbers');
  assert.equal(strategy.check(nested(150_000)), 'not_numbers', 'a 1 MB answer nesting 150 000 levels');
  assert.deepEqual(JSON.stringify(merge({ strategy: 'sum' }, nested(100), nested(100))), JSON.stringify(nested(100)).replace(':1}', ':2}'));
});
