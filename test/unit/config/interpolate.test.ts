import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate } from '../../../src/config/interpolate.ts';

const env = { HOST: 'redis-0', EMPTY: '', PORT: '6380' };

test('substitutes set variables and keeps the rest of the text', () => {
  assert.deepEqual(interpolate('${HOST}:${PORT}', env), { value: 'redis-0:6380', problems: [] });
});

test('uses the default when unset or empty, like the shell', () => {
  assert.equal(interpolate('${MISSING:-127.0.0.1}', env).value, '127.0.0.1');
  assert.equal(interpolate('${EMPTY:-fallback}', env).value, 'fallback');
  assert.equal(interpolate('${EMPTY}', env).value, '');
  assert.equal(interpolate('${MISSING:-}', env).value, '');
  assert.equal(interpolate('${MISSING:-a:b:-c}', env).value, 'a:b:-c');
});

test('an unset variable without a default is a problem naming it', () => {
  const result = interpolate('x ${NOPE} y', env);
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0]!, /environment variable NOPE is not set/);
});

test('malformed and unterminated references are problems, $${ is a literal', () => {
  assert.match(interpolate('${1BAD}', env).problems[0]!, /malformed/);
  assert.match(interpolate('${HOST', env).problems[0]!, /malformed/);
  assert.deepEqual(interpolate('$${HOST}', env), { value: '${HOST}', problems: [] });
});

test('text without references is returned untouched', () => {
  assert.deepEqual(interpolate('plain $HOST text', env), { value: 'plain $HOST text', problems: [] });
});
