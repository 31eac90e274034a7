/** `access_log:` and `slow_log:` as `padda check` reads them: defaults, and each bad value named at its place. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigText } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/config/problems.ts';

function problems(yaml: string): string[] {
  try {
    loadConfigText(configSchema, 'padda.yaml', yaml, {});
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.line}:${p.path}: ${p.message}`);
  }
  return [];
}

test('defaults: stdout, json, every request, 4 MiB; slow log at 10 ms with keys shown', () => {
  const config = loadConfigText(configSchema, 'padda.yaml', `
listeners:
  web: { mode: sidecar, listen: 127.0.0.1:8443, upstream: http://127.0.0.1:8080, access_log: {} }
  cache: { mode: redis, listen: 127.0.0.1:6380, servers: [127.0.0.1:6379:1], slow_log: {} }
`, {}) as { listeners: Record<string, Record<string, unknown>> };
  assert.deepEqual(config.listeners.web!.access_log, { path: 'stdout', format: 'json', sample: 1, slow_only: 0, buffer: 4 * 1024 * 1024 });
  assert.deepEqual(config.listeners.cache!.slow_log, { path: 'stdout', threshold: 10, keys: 'show', buffer: 4 * 1024 * 1024 });
});

test('bad values are problems at their line and path, in every mode that logs', () => {
  const found = problems(`
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:8443
    upstream: http://127.0.0.1:8080
    access_log: { format: xml, sample: 2, slow_only: fast, buffer: 0 }
  raw: { mode: sidecar, protocol: tcp, listen: 127.0.0.1:9000, upstream: 127.0.0.1:9001, access_log: {} }
  shards: { mode: shard-router, listen: 127.0.0.1:8100, shards: [http://127.0.0.1:8101], access_log: { sample: -0.1 } }
  search: { mode: scatter-gather, listen: 127.0.0.1:8300, leaves: [http://127.0.0.1:8301], merge: { strategy: union }, access_log: { path: "" } }
  cache: { mode: redis, listen: 127.0.0.1:6380, servers: [127.0.0.1:6379:1], slow_log: { threshold: -5, keys: encrypt } }
  mc: { mode: memcache, listen: 127.0.0.1:11212, servers: [127.0.0.1:11211:1], slow_log: { treshold: 5 } }
`);
  const expect = [
    /^7:listeners\.web\.access_log\.format: .*"json"\|"combined"/,
    /^7:listeners\.web\.access_log\.sample: .*<=1/,
    /^7:listeners\.web\.access_log\.slow_only: "fast" is not a duration/,
    /^7:listeners\.web\.access_log\.buffer: at least 4096 bytes/,
    /^8:listeners\.raw\.access_log: access_log logs HTTP requests: protocol tcp has none/,
    /^9:listeners\.shards\.access_log\.sample: .*>=0/,
    /^10:listeners\.search\.access_log\.path: /,
    /^11:listeners\.cache\.slow_log\.threshold: .*>=0/,
    /^11:listeners\.cache\.slow_log\.keys: .*"show"\|"hash"\|"omit"/,
    /^12:listeners\.mc\.slow_log.*treshold/,
  ];
  for (const pattern of expect) assert.ok(found.some((p) => pattern.test(p)), `${pattern} among:\n${found.join('\n')}`);
  assert.equal(found.length, expect.length, found.join('\n'));
});

test('a sidecar\'s HTTP listener logs; the key is unknown to the tcp and health modes', () => {
  const found = problems(`
listeners:
  front: { mode: tcp, listen: 127.0.0.1:9000, upstreams: [127.0.0.1:9001], access_log: {} }
`);
  assert.equal(found.length, 1);
  assert.match(found[0]!, /listeners\.front.*access_log/);
});
