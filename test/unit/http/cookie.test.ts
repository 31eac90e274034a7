/** Reading one cookie from a Cookie header a client controls: as nginx's $cookie_NAME, and in linear time however it is built. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieValue } from '../../../src/http/cookie.ts';

test('finds a cookie by name in any case, ignoring whitespace around pairs, the value trimmed and as sent', () => {
  const header = 'a=1; User=u42;b=2 ;  padda-variant = web.12 ; empty=; q="x;y"';
  assert.equal(cookieValue(header, 'user'), 'u42');
  assert.equal(cookieValue(header, 'USER'), 'u42');
  assert.equal(cookieValue(header, 'b'), '2');
  assert.equal(cookieValue(header, 'padda-variant'), 'web.12');
  assert.equal(cookieValue(header, 'empty'), '');
  assert.equal(cookieValue(header, 'q'), '"x', 'a ; ends the pair even inside quotes, as in nginx');
  assert.equal(cookieValue('x=1; x=2', 'x'), '1', 'the first of two wins');
  assert.equal(cookieValue('\u00a0\tx=\u00a0v\u00a0', 'x'), 'v', 'the whitespace trim() knows, within latin1');
  assert.equal(cookieValue('\u00c9T\u00c9=1', '\u00e9t\u00e9'), '1', 'latin1 letters compare as toLowerCase does');
});

test('absent: no header, no such name, a name that only starts or ends like it, a pair without =', () => {
  assert.equal(cookieValue(undefined, 'a'), null);
  assert.equal(cookieValue('', 'a'), null);
  assert.equal(cookieValue('ab=1; ba=2; a', 'a'), null);
  assert.equal(cookieValue('a b=1', 'a'), null);
  assert.equal(cookieValue('user', 'user'), null);
  assert.equal(cookieValue('user;=1', 'user'), null);
  assert.equal(cookieValue('=1; user', 'user'), null);
  assert.equal(cookieValue('x=user=1', 'user'), null, 'a name inside another pair\'s value is not a name');
  assert.equal(cookieValue('a=1', ''), null);
});

test('hostile headers: 64 KiB of separators, of names without values, or of near-misses take linear time', () => {
  const size = 64 * 1024;
  for (const header of [';'.repeat(size), 'a;'.repeat(size / 2), 'user'.repeat(size / 4), `${'usera=1;'.repeat(size / 8)}user=ok`, ' '.repeat(size)]) {
    let ms = Infinity;
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      cookieValue(header, 'user');
      ms = Math.min(ms, performance.now() - started);
    }
    // The fastest of ten calls, so a busy machine does not fail it: quadratic scanning took ~60 ms here, linear well under 1.
    assert.ok(ms < 5, `${ms.toFixed(2)} ms for ${JSON.stringify(header.slice(0, 12))}…`);
  }
  assert.equal(cookieValue(`${'usera=1;'.repeat(size / 8)}user=ok`, 'user'), 'ok');
});
