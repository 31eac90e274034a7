import assert from 'node:assert/strict';
import { test } from 'node:test';
import { http1ResponseHead, AS_SENT } from '../../../src/http/downstream/http1-head.ts';
import { parseOriginAddress } from '../../../src/http/upstream/origin-address.ts';
import { HeadScanner, RESPONSE } from '../../../src/protocols/http1/head-scanner.ts';
import { standInRequest } from '../../support/http-request.ts';

test('absolute-form targets become a path and an authority; anything else is refused', () => {
  const forms = (target: string) => {
    const request = standInRequest(target, {}, '10.0.0.1');
    return { authority: request.authority(), path: request.path() };
  };
  assert.deepEqual(forms('http://other.example:8080/a/b?c=d'), { authority: 'other.example:8080', path: '/a/b?c=d' });
  assert.deepEqual(forms('HTTPS://Other.Example'), { authority: 'Other.Example', path: '/' });
  assert.deepEqual(forms('http://h?q=1'), { authority: 'h', path: '/?q=1' });
  assert.deepEqual(forms('http://[::1]:80/x'), { authority: '[::1]:80', path: '/x' });
  assert.deepEqual(forms('/plain?x'), { authority: null, path: '/plain?x' });
  for (const refused of ['*', 'example.com:443', 'ftp://h/x', 'http:///x', 'http://user@h/x', 'h/x']) {
    assert.throws(() => forms(refused), /not a request/, refused);
  }
});

test('upstreams: URLs, bare host:port and unix sockets; a path, query or credentials are refused', () => {
  assert.deepEqual(parseOriginAddress('http://127.0.0.1:8080'), { url: 'http://127.0.0.1:8080', host: '127.0.0.1:8080', label: 'http://127.0.0.1:8080' });
  assert.deepEqual(parseOriginAddress('app:80'), { url: 'http://app', host: 'app', label: 'app:80' });
  assert.deepEqual(parseOriginAddress('https://[::1]:8443/'), { url: 'https://[::1]:8443', host: '[::1]:8443', label: 'https://[::1]:8443/' });
  assert.deepEqual(parseOriginAddress('unix:/run/app.sock'), { url: 'http://localhost', host: 'localhost', socketPath: '/run/app.sock', label: 'unix:/run/app.sock' });
  assert.match(String(parseOriginAddress('http://h:1/prefix')), /must not have a path/);
  assert.match(String(parseOriginAddress('http://h:1/?a=1')), /must not have a path or query/);
  assert.match(String(parseOriginAddress('ftp://h:1')), /scheme must be http or https/);
  assert.match(String(parseOriginAddress('http://u:p@h:1')), /credentials/);
  assert.match(String(parseOriginAddress('http://')), /is not an upstream/);
});

test('response hop-by-hop fields go, with whatever Connection names; the rest stay, in order, as sent', () => {
  const scanner = new HeadScanner(RESPONSE);
  const text = 'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Internal\r\nX-Internal: secret\r\nKeep-Alive: timeout=5\r\nSet-Cookie: a=1\r\n' +
    'Trailer: x-sum\r\nUpgrade: h2c\r\nProxy-Authenticate: Basic\r\nSet-Cookie: b=2\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n';
  assert.ok(scanner.scan(Buffer.from(text, 'latin1'), 0) > 0);
  const written = http1ResponseHead(scanner.head!, ['x-added', 'yes'], AS_SENT, false, false).toString('latin1');
  assert.equal(written, 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nx-added: yes\r\n\r\n');
});
