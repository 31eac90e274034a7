import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigText } from '../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../src/config/problems.ts';
import type { ScatterGatherConfig } from '../../../src/modes/scatter-gather/config.ts';

function load(listener: string): ScatterGatherConfig {
  const config = loadConfigText(configSchema, 'padda.yaml', `listeners:\n  search:\n    mode: scatter-gather\n    listen: 127.0.0.1:8090\n${listener}`, {}) as unknown as { listeners: { search: ScatterGatherConfig } };
  return config.listeners.search;
}

function problems(listener: string): string[] {
  try {
    load(listener);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map(formatProblem);
  }
  assert.fail('config was accepted');
}

test('the issue\'s example config loads, with its shorthands normalized', () => {
  const config = load(`    leaves:
      - http://leaf-0.search:80
      - replicas: [http://leaf-1a:80, http://leaf-1b:80]
    scatter: { split_param: q }
    merge: { strategy: union, path: docs, id: id }
    leaf_timeout: 200ms
    deadline: 500ms
    partial: { min_leaves: 2 }
    hedge: { after: p95, max_extra: 5% }
`);
  assert.equal(config.leaves.length, 2);
  assert.deepEqual(config.leaves[1]!.replicas, ['http://leaf-1a:80', 'http://leaf-1b:80']);
  assert.deepEqual(config.scatter, { style: 'split', param: 'q', separator: ' ' });
  assert.equal(config.leaf_timeout, 200);
  assert.deepEqual(config.partial, { min_leaves: 2 });
  assert.deepEqual(config.hedge, { after: { percentile: 0.95 }, max_extra: 0.05, max_per_leaf: 2 });
  const defaults = load('    leaves: [127.0.0.1:9000]\n    merge: { strategy: first }\n    hedge: { after: 10ms }\n');
  assert.deepEqual(defaults.scatter, { style: 'broadcast' });
  assert.equal(defaults.partial, null);
  assert.deepEqual(defaults.hedge?.after, { ms: 10 });
});

test('mistakes are named at their line', () => {
  const found = problems(`    leaves:
      - { name: x, replicas: [a:1] }
      - { name: x, replicas: [] }
    merge: { strategy: topk, path: docs }
    deadline: 100ms
    leaf_timeout: 1s
    partial: { min_leaves: 4 }
    hedge: { after: p100, max_extra: 150% }
`).join('\n');
  for (const expected of [
    /padda\.yaml:7:30 listeners\.search\.leaves\[1\]\.replicas: a leaf needs at least one replica/,
    /listeners\.search\.merge: missing required key "sort"/,
    /listeners\.search\.hedge\.after: "p100" is not a percentile/,
    /listeners\.search\.hedge\.max_extra: "150%" is not a share between 0 and 100%/,
  ]) assert.match(found, expected);
  const semantic = problems(`    leaves: [a:1, { name: leaf-0, replicas: [b:1, 'http://c:80/path'] }]
    merge: { strategy: concat }
    deadline: 100ms
    leaf_timeout: 1s
    partial: { min_leaves: 3 }
    pool: { failure_limit: 2 }
`).join('\n');
  assert.match(semantic, /leaves\[1\]\.name: leaf name "leaf-0" is used twice/);
  assert.match(semantic, /leaves\[1\]\.replicas\[1\]: upstream "http:\/\/c:80\/path" must not have a path/);
  assert.match(semantic, /leaf_timeout: a leaf cannot take longer than the deadline/);
  assert.match(semantic, /partial\.min_leaves: there are only 2 leaves/);
  assert.match(semantic, /pool\.failure_limit: leaf replicas are ejected by the eject block/);
});

test('a merge module that does not exist is a problem at its line', () => {
  assert.match(problems('    leaves: [a:1]\n    merge: { strategy: module, module: ./nowhere.js }\n').join('\n'), /merge\.module: no such file: .*\/nowhere\.js/);
});
