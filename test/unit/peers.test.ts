import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';

const PEERS = new URL('../peers.ts', import.meta.url).pathname;

test('npm test stops before the tests, naming each missing program, its Debian package and the command that installs them', () => {
  // An empty PATH hides everything outside sbin (which is searched as the tests search it).
  const result = spawnSync(process.execPath, [PEERS, '--check'], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^ {2}redis-server +\(Debian package redis-server: redis shards\)$/m);
  assert.match(result.stderr, /^ {2}promtool +\(Debian package prometheus: /m);
  assert.match(result.stderr, /^ {2}memcslap +\(Debian package libmemcached-tools: /m);
  assert.match(result.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends .*\bprometheus\b/);
});

test('with every peer installed it passes silently', () => {
  const result = spawnSync(process.execPath, [PEERS, '--check'], { encoding: 'utf8' });
  assert.equal(result.stderr, '');
  assert.equal(result.status, 0);
});

test('.ci/run installs every Debian package test/peers.ts names', () => {
  const packages = [...fs.readFileSync(PEERS, 'utf8').matchAll(/debianPackage: '([^']+)'/g)].map((m) => m[1]!);
  const ci = fs.readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
  const install = /apt-get install -y --no-install-recommends \\\n([^]*?)\n\n/.exec(ci)?.[1] ?? '';
  const installed = new Set(install.split(/[\s\\]+/).filter(Boolean));
  assert.ok(packages.length > 10, `read ${packages.length} packages from test/peers.ts`);
  assert.deepEqual(packages.filter((name) => !installed.has(name)), []);
});
