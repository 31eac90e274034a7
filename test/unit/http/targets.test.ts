import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOriginAddress } from '../../../src/http/origin-address.ts';
import { absoluteTarget } from '../../../src/http/request-target.ts';
import { stripResponseHeaders } from '../../../src/http/response-head.ts';

test('absolute-form targets become a path and an authority; anything else is refused', () => {
  assert.deepEqual(absoluteTarget('http://other.example:8080/a/b?c=d'), { authority: 'other.example:8080', path: '/a/b?c=d' });
  assert.deepEqual(absoluteTarget('HTTPS://Other.Example'), { authority: 'Other.Example', path: '/' });
  assert.deepEqual(absoluteTarget('http://h?q=1'), { authority: 'h', path: '/?q=1' });
  assert.deepEqual(absoluteTarget('http://[::1]:80/x'), { authority: '[::1]:80', path: '/x' });
  for (const refused of ['*', 'example.com:443', 'ftp://h/x', 'http:///x', 'http://user@h/x', '//h/x']) {
    assert.equal(absoluteTarget(refused), null, refused);
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

test('response hop-by-hop headers go, with whatever Connection names; the rest stay', () => {
  const headers = stripResponseHeaders({
    connection: 'keep-alive, X-Internal', 'x-internal': 'secret', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked',
    trailer: 'x-sum', upgrade: 'h2c', 'proxy-authenticate': 'Basic', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain',
  });
  assert.deepEqual(headers, { 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' });
});
