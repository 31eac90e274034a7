/** The shard router's config: shorthands normalized, and every mistake named at its line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigText } from '../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../src/config/problems.ts';
import type { ShardRouterConfig } from '../../../src/modes/shard-router/schema.ts';

function load(listener: string): ShardRouterConfig {
  const config = loadConfigText(configSchema, 'padda.yaml', `listeners:\n  r:\n    mode: shard-router\n    listen: 127.0.0.1:8100\n${listener}`, {}) as unknown as { listeners: { r: ShardRouterConfig } };
  return config.listeners.r;
}

function problems(listener: string): string {
  try {
    load(listener);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map(formatProblem).join('\n');
  }
  assert.fail('config was accepted');
}

test('a URL is a one-replica shard named by its authority as written, as nginx names servers', () => {
  const config = load('    shards:\n      - http://web-1.web:80/\n      - { name: b, replicas: [10.0.0.5:80, unix:/run/b.sock], weight: 2 }\n      - { replicas: [HTTP://C:8080] }\n');
  assert.deepEqual(config.shards, [
    { name: 'web-1.web:80', replicas: ['http://web-1.web:80/'], weight: 1 },
    { name: 'b', replicas: ['10.0.0.5:80', 'unix:/run/b.sock'], weight: 2 },
    { name: 'C:8080', replicas: ['HTTP://C:8080'], weight: 1 },
  ]);
  assert.equal(config.key, '$request_uri');
  assert.equal(config.distribution, 'ketama_nginx');
});

test('mistakes are named at their line: bad replicas, unnamed replicated shards, duplicate names, bad keys, the pool\'s own ejection', () => {
  const found = problems(`    key: $uri$nope
    pool: { failure_limit: 2 }
    shards:
      - { name: a, replicas: [http://x:1, "ftp://y"] }
      - "http://z:1/path"
      - { replicas: [http://p:1, http://q:1] }
      - { name: a, replicas: [http://r:1] }
`);
  for (const expected of [
    /padda\.yaml:5:10 listeners\.r\.key: unknown variable \$nope/,
    /padda\.yaml:8:43 listeners\.r\.shards\[0\]\.replicas\[1\]: upstream scheme must be http or https, not ftp/,
    /padda\.yaml:9:9 listeners\.r\.shards\[1\]\.replicas\[0\]: upstream "http:\/\/z:1\/path" must not have a path or query/,
    /listeners\.r\.shards\[2\]: a shard with several replicas needs a name/,
    /listeners\.r\.shards\[3\]: two shards are named "a"/,
    /padda\.yaml:6:28 listeners\.r\.pool\.failure_limit: shard replicas are ejected by the eject block/,
  ]) assert.match(found, expected);
});
