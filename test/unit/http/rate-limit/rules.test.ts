/**
 * What a rate limit rule counts, and who the client is: tiers, path and
 * method matches that encoding cannot step around, and X-Forwarded-For
 * believed only from trusted proxies.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rule } from '../../../../src/http/rate-limit/rules.ts';
import { rateLimitSchema } from '../../../../src/http/rate-limit/schema.ts';
import { TrustedProxies } from '../../../../src/http/trusted-proxies.ts';
import { standInRequest } from '../../../support/http-request.ts';

const rule = (over: Record<string, unknown>) => new Rule(rateLimitSchema.parse({ rules: [{ name: 'r', rate: '10/s', ...over }] }).rules[0]!);

describe('rules', () => {
  test('tiers: the first tier whose `when` is present and not empty counts by its key; everyone else by the rule\'s', () => {
    const r = rule({ key: '$remote_addr', tiers: [{ when: '$cookie_session', rate: '100/s', burst: 20 }, { when: '$http_x_api_key', rate: '50/s' }] });
    const anonymous = standInRequest('/', {}, '10.0.0.1');
    const registered = standInRequest('/', { cookie: 'session=abc; x=1' }, '10.0.0.1');
    const emptyCookie = standInRequest('/', { cookie: 'session=' }, '10.0.0.1');
    const keyed = standInRequest('/', { 'x-api-key': 'k1' }, '10.0.0.1');
    assert.equal(r.bucketOf(anonymous)!.key(anonymous), '10.0.0.1');
    assert.equal(r.bucketOf(anonymous)!.rate.count, 10);
    assert.equal(r.bucketOf(registered)!.key(registered), 'abc');
    assert.equal(r.bucketOf(registered)!.burst, 20);
    assert.equal(r.bucketOf(emptyCookie)!.rate.count, 10);
    assert.equal(r.bucketOf(keyed)!.prefix, 'r:2:');
    assert.notEqual(r.bucketOf(registered)!.prefix, r.bucketOf(anonymous)!.prefix, 'tiers never share a counter');
  });

  test('match: methods, and a path prefix compared on the normalized path', () => {
    const r = rule({ match: { path_prefix: '/api/', methods: ['POST'] } });
    const post = (target: string) => {
      const request = standInRequest(target, {}, '10.0.0.1');
      Object.defineProperty(request, 'method', { value: 'POST' });
      return request;
    };
    assert.notEqual(r.bucketOf(post('/api/x?y=1')), null);
    assert.notEqual(r.bucketOf(post('/%61pi/x')), null, 'percent-encoded');
    assert.notEqual(r.bucketOf(post('/static/../api/x')), null, 'dot segments');
    assert.notEqual(r.bucketOf(post('//api//x')), null, 'doubled slashes');
    assert.equal(r.bucketOf(post('/apix')), null);
    assert.equal(r.bucketOf(standInRequest('/api/x', {}, '10.0.0.1')), null, 'GET is not matched');
  });

  test('config: rates as nginx and humans write them; bad ones refused', () => {
    const parsed = rateLimitSchema.parse({ rules: [{ name: 'a', rate: '6000/m' }, { name: 'b', rate: '10r/s', burst: 20 }] });
    assert.deepEqual(parsed.rules[0]!.rate, { count: 6000, window: 60_000, interval: 10 });
    assert.equal(parsed.rules[1]!.rate.interval, 100);
    assert.equal(parsed.store, 'local');
    for (const bad of [{ rules: [{ name: 'a', rate: '0/s' }] }, { rules: [{ name: 'a', rate: 'fast' }] }, { rules: [{ name: 'a b', rate: '1/s' }] },
      { rules: [{ name: 'a', rate: '1/s' }, { name: 'a', rate: '2/s' }] }, { rules: [{ name: 'a', rate: '1/s', key: '$nope' }] },
      { rules: [{ name: 'a', rate: '1/s' }], store: 'memcached://x' }]) {
      assert.equal(rateLimitSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});

describe('trusted proxies', () => {
  const trusted = new TrustedProxies(['10.0.0.0/8', 'fd00::/8']);

  test('from a trusted peer: the rightmost untrusted X-Forwarded-For hop, and its X-Forwarded-Proto', () => {
    const request = standInRequest('/', { 'x-forwarded-for': '203.0.113.9, 198.51.100.1, 10.1.1.1', 'x-forwarded-proto': 'https' }, '10.0.0.2');
    trusted.resolve(request);
    assert.deepEqual(request.client, { address: '198.51.100.1', scheme: 'https', certificate: null, peer: '10.0.0.2' });
  });

  test('from an untrusted peer nothing is believed: a spoofed X-Forwarded-For changes no one\'s address', () => {
    const request = standInRequest('/', { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' }, '203.0.113.7');
    const before = request.client;
    trusted.resolve(request);
    assert.equal(request.client, before);
  });

  test('garbage in the chain stops the walk at the last real address; all-trusted chains give the leftmost', () => {
    const garbage = standInRequest('/', { 'x-forwarded-for': '1.2.3.4, not-an-ip, 10.2.2.2' }, '10.0.0.2');
    trusted.resolve(garbage);
    assert.equal(garbage.client.address, '10.2.2.2');
    const allTrusted = standInRequest('/', { 'x-forwarded-for': '10.3.3.3, 10.2.2.2' }, 'fd00::1');
    trusted.resolve(allTrusted);
    assert.equal(allTrusted.client.address, '10.3.3.3');
  });

  test('bad CIDRs are refused', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/x', '::/129']) assert.throws(() => new TrustedProxies([bad]), RangeError, bad);
  });
});
