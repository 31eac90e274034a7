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

test('split: hostile queries — the first of two parameters is split and the second kept as sent; cut or bad escapes are a problem', () => {
  const split = createScatter({ style: 'split', param: 'q', separator: ',' });
  assert.deepEqual(split.plan('/s?q=a,b&q=c,d', 2), ['/s?q=a&q=c,d', '/s?q=b&q=c,d']);
  // Decoded before splitting: an escaped separator separates too, as the same query typed plainly would.
  assert.deepEqual(split.plan('/s?q=a%2Cb', 2), ['/s?q=b', '/s?q=a']);
  for (const target of ['/s?q', '/s?q=%', '/s?q=a%', '/s?q=a%2', '/s?q=%FF', '/s?q=,,,', '/s?Q=a', '/s?q%=a']) {
    assert.ok('problem' in split.plan(target, 2), target);
  }
});

test('split: 10 000 terms are dealt evenly, each exactly once', () => {
  const split = createScatter({ style: 'split', param: 'q', separator: ' ' });
  const terms = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
  const plan = split.plan(`/s?q=${terms.join('+')}&page=1`, 3) as string[];
  const shares = plan.map((target) => new URL(target, 'http://root').searchParams.get('q')!.split(' '));
  assert.deepEqual(shares.map((share) => share.length).sort(), [3333, 3333, 3334]);
  assert.deepEqual(shares.flat().sort(), [...terms].sort());
  assert.ok(plan.every((target) => target.endsWith('&page=1')));
});
