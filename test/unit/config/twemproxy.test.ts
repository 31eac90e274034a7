import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { displayConfig } from '../../../src/config/display.ts';
import { loadConfigText } from '../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../src/config/problems.ts';
import { isTwemproxyConfig } from '../../../src/config/twemproxy.ts';
import type { PaddaConfig } from '../../../src/config/schema.ts';

const NUTCRACKER = `alpha:
  listen: 127.0.0.1:22121
  hash: fnv1a_64
  distribution: ketama
  redis: true
  redis_auth: s3cret
  servers:
   - 127.0.0.1:6379:1 one
beta:
  listen: 127.0.0.1:22122
  servers:
   - 127.0.0.1:11211:1
`;

test('a nutcracker.yml becomes listeners: redis: true → redis, otherwise memcache', () => {
  const config = loadConfigText(configSchema, 'nutcracker.yml', NUTCRACKER, {}) as PaddaConfig;
  assert.equal(config.listeners.alpha!.mode, 'redis');
  assert.equal(config.listeners.beta!.mode, 'memcache');
  assert.deepEqual(config.admin.listen, { kind: 'tcp', host: '127.0.0.1', port: 9901 });
});

test('PADDA_ADMIN_LISTEN and PADDA_STATS_LISTEN place the admin server and the stats port of a nutcracker.yml', () => {
  const config = loadConfigText(configSchema, 'nutcracker.yml', NUTCRACKER, { PADDA_ADMIN_LISTEN: '127.0.0.1:19901', PADDA_STATS_LISTEN: '127.0.0.1:22222' }) as PaddaConfig;
  assert.deepEqual(config.admin.listen, { kind: 'tcp', host: '127.0.0.1', port: 19901 });
  assert.deepEqual(config.admin.twemproxy_stats, { kind: 'tcp', host: '127.0.0.1', port: 22222 });
});

test('problems in a nutcracker.yml point at its own lines and paths, not padda\'s reshaped ones', () => {
  const broken = NUTCRACKER.replace('hash: fnv1a_64', 'hash: fnv1a_65').replace('   - 127.0.0.1:11211:1', '   - 127.0.0.1:11211:0');
  assert.throws(() => loadConfigText(configSchema, 'nutcracker.yml', broken, {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    const lines = error.problems.map(formatProblem);
    assert.ok(lines.some((l) => l.startsWith('nutcracker.yml:3:9 alpha.hash: ')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('nutcracker.yml:12:6 beta.servers[0]: "127.0.0.1:11211:0": weight must be a positive integer')), lines.join('\n'));
    return true;
  });
});

test('only a map of pools is taken for twemproxy; hostile shapes are left to the schema to refuse', () => {
  assert.equal(isTwemproxyConfig(null), false);
  assert.equal(isTwemproxyConfig('listen: x'), false);
  assert.equal(isTwemproxyConfig([{ listen: 'a', servers: [] }]), false);
  assert.equal(isTwemproxyConfig({}), false);
  assert.equal(isTwemproxyConfig({ listeners: {}, alpha: { listen: 'a' } }), false);
  assert.equal(isTwemproxyConfig({ alpha: { listen: 'a' }, stray: 3 }), false);
  assert.equal(isTwemproxyConfig({ alpha: { servers: [] } }), true);
});

test('credentials are shown as <redacted> by check and /config; addresses and servers as written', () => {
  const config = loadConfigText(configSchema, 'nutcracker.yml', NUTCRACKER, {});
  const shown = displayConfig(config) as { listeners: { alpha: { redis_auth: string; listen: string; servers: string[] } } };
  assert.equal(shown.listeners.alpha.redis_auth, '<redacted>');
  assert.equal(shown.listeners.alpha.listen, '127.0.0.1:22121');
  assert.deepEqual(shown.listeners.alpha.servers, ['127.0.0.1:6379:1 one']);
  assert.ok(!JSON.stringify(shown).includes('s3cret'));
});
