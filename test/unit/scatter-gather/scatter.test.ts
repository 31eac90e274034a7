import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScatter } from '../../../src/modes/scatter-gather/scatter.ts';

test('broadcast: every leaf gets the target unchanged', () => {
  assert.deepEqual(createScatter({ style: 'broadcast' }).plan('/s?q=a+b', 3), ['/s?q=a+b', '/s?q=a+b', '/s?q=a+b']);
});

test('split: terms dealt round-robin from a rotating start, other parameters kept byte for byte', () => {
  const split = createScatter({ style: 'split', param: 'q', separator: ' ' });
  assert.deepEqual(split.plan('/s?a=%2F&q=one+two%20three++four&flag', 2), ['/s?a=%2F&q=one%20three&flag', '/s?a=%2F&q=two%20four&flag']);
  // The next request starts at the second leaf.
  assert.deepEqual(split.plan('/s?q=x', 3), [null, '/s?q=x', null]);
  assert.deepEqual(split.plan('/s?q=x', 3), [null, null, '/s?q=x']);
});

test('split: the parameter may be named encoded, and separators other than space work', () => {
  const split = createScatter({ style: 'split', param: 'terms[]', separator: ',' });
  assert.deepEqual(split.plan('/s?terms%5B%5D=a,b', 2), ['/s?terms%5B%5D=a', '/s?terms%5B%5D=b']);
});

test('split: a missing, empty or badly encoded parameter is a problem', () => {
  const split = createScatter({ style: 'split', param: 'q', separator: ' ' });
  for (const target of ['/s', '/s?r=1', '/s?q=', '/s?q=+++', '/s?q=%E0%A4%A']) {
    const plan = split.plan(target, 2);
    assert.ok('problem' in plan, `${target}: ${JSON.stringify(plan)}`);
  }
});
