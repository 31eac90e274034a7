/** Shard-router keys: nginx variables read the bytes nginx's do, absent ones are told apart, bad templates are refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxiedRequest } from '../../../src/http/request-head.ts';
import { compileKey, type KeyTemplate } from '../../../src/modes/shard-router/key-template.ts';
import { nginxUri } from '../../../src/modes/shard-router/nginx-uri.ts';

function request(url: string, headers: Record<string, string | string[]> = {}, address = '::ffff:10.1.2.3'): ProxiedRequest {
  return { url, headers, socket: { remoteAddress: address } } as unknown as ProxiedRequest;
}
const key = (text: string) => compileKey(text) as KeyTemplate;

test('request variables', () => {
  const r = request('/a/./b//c/%41?X=1&x=2&y=&z', { 'x-tenant': 'acme', host: 'Example.COM:8080', cookie: 'a=1; User=u42; b=2' });
  assert.equal(key('$request_uri')(r), '/a/./b//c/%41?X=1&x=2&y=&z');
  assert.equal(key('$uri')(r), '/a/b/c/A');
  assert.equal(key('$args')(r), 'X=1&x=2&y=&z');
  assert.equal(key('$query_string')(r), 'X=1&x=2&y=&z');
  assert.equal(key('$arg_x')(r), '1', 'first match, names case-insensitive, as ngx_http_arg');
  assert.equal(key('$arg_y')(r), '');
  assert.equal(key('$arg_z')(r), null, 'an argument without = is absent');
  assert.equal(key('$http_x_tenant')(r), 'acme');
  assert.equal(key('$cookie_user')(r), 'u42');
  assert.equal(key('$remote_addr')(r), '10.1.2.3');
  assert.equal(key('$host')(r), 'example.com');
  assert.equal(key('t-$http_x_tenant:$uri')(r), 't-acme:/a/b/c/A');
  assert.equal(key('')(r), '');
  assert.equal(key('ü$arg_x')(r), 'Ã¼1', 'literals are their UTF-8 bytes, one latin1 char each');
});

test('absent variables make the whole key absent', () => {
  const r = request('/p', { 'x-multi': ['a', 'b'] });
  assert.equal(key('$http_x_tenant')(r), null);
  assert.equal(key('$cookie_user')(r), null);
  assert.equal(key('$arg_q')(r), null);
  assert.equal(key('$uri-$http_x_tenant')(r), null);
  assert.equal(key('$http_x_multi')(r), 'a, b');
  assert.equal(key('$args')(r), '', '$args is empty, not absent');
});

test('unknown variables are refused at load', () => {
  assert.match(compileKey('$request_path') as string, /unknown variable \$request_path/);
  assert.match(compileKey('$arg_') as string, /unknown variable/);
});

test('nginx $uri normalization', () => {
  assert.equal(nginxUri('/'), '/');
  assert.equal(nginxUri('/a/b/..'), '/a/');
  assert.equal(nginxUri('/../../x'), '/x');
  assert.equal(nginxUri('/a//b///'), '/a/b/');
  assert.equal(nginxUri('/a/%2e%2e/b'), '/b');
  assert.equal(nginxUri('/caf%C3%A9'), '/cafÃ©');
});
