import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigText } from '../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../src/config/problems.ts';

function problems(listener: string): string[] {
  try {
    loadConfigText(configSchema, 'padda.yaml', `listeners:\n  web:\n${listener.replace(/^/gm, '    ')}\n`, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems.map(formatProblem);
  }
  return [];
}

test('a sidecar needs only listen and upstream; the HTTP data path fills its defaults', () => {
  const config = loadConfigText(configSchema, 'padda.yaml', 'listeners:\n  web: { mode: sidecar, listen: 127.0.0.1:8443, upstream: "127.0.0.1:8080" }\n', {}) as unknown as {
    listeners: { web: Record<string, unknown> };
  };
  const web = config.listeners.web;
  assert.equal(web.protocol, 'http');
  assert.deepEqual(web.timeouts, { connect: 1000, response: 60_000, body: 60_000, total: 0 });
  assert.deepEqual(web.pool, { connections: 128, queue: 1024, queue_timeout: 10_000, keepalive_timeout: 4000, failure_limit: 0, eject_time: 2000 });
  assert.deepEqual(web.client, {
    keepalive_timeout: 65_000, header_timeout: 20_000, body_timeout: 60_000, body_buffer: 16_384, max_header_size: 16_384, max_request_line: 8192,
    http2_streams_per_second: 1000,
  });
  assert.equal(web.retries, 1);
  // Plain JSON: it crosses to worker processes over IPC.
  assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
});

test('each mistake is reported at its key, with what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: http://127.0.0.1:8080/app', /upstream: .*must not have a path/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nprotocol: tcp\nupstream: http://127.0.0.1:6379', /upstream: .*is not an address/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: 127.0.0.1:8080\ntls: { cert: /c.pem }', /tls\.key: cert and key go together/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: 127.0.0.1:8080\ntls: { min_version: TLSv1.3 }', /tls: needs a certificate/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: 127.0.0.1:8080\ntls: { cert: /c, key: /k, require_client_cert: true }', /require_client_cert needs client_ca/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: 127.0.0.1:8080\nredirect_http: 127.0.0.1:8080', /redirect_http: .*needs a tls block/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: 127.0.0.1:8080\ntimeouts: { conect: 1s }', /timeouts\.conect: unknown key "conect" \(did you mean "connect"\?\)/],
    ['mode: sidecar\nlisten: 127.0.0.1:8443\nupstream: 127.0.0.1:8080\ntls: { cert: /c, key: /k, min_version: TLSv1.1 }', /tls\.min_version/],
  ];
  for (const [listener, expected] of cases) {
    const found = problems(listener);
    assert.ok(found.some((line) => expected.test(line)), `${expected} not in:\n${found.join('\n')}`);
    assert.ok(found.every((line) => /^padda\.yaml:\d+:\d+ /.test(line)), found.join('\n'));
  }
});
