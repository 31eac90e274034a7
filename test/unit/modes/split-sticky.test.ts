/** How the splitter finds a request's bucket: the sticky cookie it reads (and refuses), a header, the client IP, or chance. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUCKETS, keyBucket } from '../../../src/modes/split/buckets.ts';
import { Sticky, type Placement, type StickyRequest } from '../../../src/modes/split/sticky.ts';
import { standInRequest } from '../../support/http-request.ts';

function request(headers: Record<string, string | string[]> = {}, address = '10.1.2.3'): StickyRequest {
  return standInRequest('/', headers, address);
}
function place(sticky: Sticky, req: StickyRequest): Placement {
  const into = { bucket: -1, cookie: 'stale' } as Placement;
  sticky.place(req, into);
  assert.ok(Number.isInteger(into.bucket) && into.bucket >= 0 && into.bucket < BUCKETS, `bucket ${into.bucket}`);
  return into;
}
const byCookie = new Sticky({ by: 'cookie', name: 'padda-variant', max_age: 86_400_000 });

test('cookie: <variant>.<bucket> gives its bucket, whatever the name says; the value is kept to compare', () => {
  for (const [value, bucket] of [['web.12', 12], ['forged.9999', 9999], ['a.b.0', 0], ['web.0012', 12], ['x.7', 7]] as const) {
    assert.deepEqual(place(byCookie, request({ cookie: `other=1; padda-variant=${value}` })), { bucket, cookie: value }, value);
  }
  assert.deepEqual(place(byCookie, request({ cookie: 'PADDA-VARIANT= web.5 ' })), { bucket: 5, cookie: 'web.5' }, 'names in any case, value trimmed');
});

test('cookie: truncated, oversized or hostile values are not read — a random bucket, and no cookie to keep', () => {
  const values = ['', 'web', 'web.', '.12', 'web.10000', 'web.99999999999999999999', 'web.-1', 'web.+1', 'web.1e3', 'web.1.', 'web. 1', 'web.0x1',
    'web.\xd9\xa1\xd9\xa2', `${'a'.repeat(10_000)}.`, `web.${'1'.repeat(10_000)}`];
  for (const value of values) assert.equal(place(byCookie, request({ cookie: `padda-variant=${value}` })).cookie, null, JSON.stringify(value));
  // A NUL never gets this far: the head scanner refuses the request.
  assert.throws(() => request({ cookie: 'padda-variant=web.12\u0000' }), /forbidden byte/);
  assert.equal(place(byCookie, request()).cookie, null);
  assert.equal(place(byCookie, request({ cookie: 'padda-variantx=web.1; xpadda-variant=web.2' })).cookie, null);
});

test('header: murmur2 of the header (repeated ones joined), else of the client IP; ip: of the client IP', () => {
  const byHeader = new Sticky({ by: 'header', name: 'X-User', max_age: 0 });
  assert.equal(place(byHeader, request({ 'x-user': 'u42' })).bucket, keyBucket('u42'));
  assert.equal(place(byHeader, request({ 'x-user': ['a', 'b'] })).bucket, keyBucket('a, b'));
  assert.equal(place(byHeader, request({}, '192.0.2.7')).bucket, keyBucket('192.0.2.7'));
  assert.equal(place(byHeader, request({ 'x-user': '' })).bucket, keyBucket(''));
  const byIp = new Sticky({ by: 'ip', name: '', max_age: 0 });
  assert.equal(place(byIp, request({ 'x-user': 'u42' }, '2001:db8::1')).bucket, keyBucket('2001:db8::1'));
  assert.equal(byHeader.setsCookie || byIp.setsCookie, false);
});

test('none: a bucket per request, spread over all of them', () => {
  const none = new Sticky({ by: 'none', name: '', max_age: 0 });
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(place(none, request()).bucket);
  assert.ok(seen.size > 1500, `${seen.size} distinct buckets of 2000 requests`);
});

test('the Set-Cookie: name, value, lifetime in seconds, HttpOnly, SameSite=Lax, and Secure over https only', () => {
  assert.equal(byCookie.setsCookie, true);
  assert.equal(byCookie.cookie('web.12', false), 'padda-variant=web.12; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax');
  assert.equal(byCookie.cookie('web.12', true), 'padda-variant=web.12; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax; Secure');
});
