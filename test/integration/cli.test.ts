import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-cli-'));

function padda(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
}

test('check prints the normalized config and exits 0', () => {
  const result = padda(['check', '--config', 'config/demo.yaml']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /drain_timeout: 10000/);
  assert.match(result.stdout, /listen: 127\.0\.0\.1:8000/);
});

test('check on a broken config lists every problem, unset variables included, by line, as FILE:LINE:COL path: message, and exits 2', () => {
  const broken = file('broken.yaml', `listeners:
  web:
    mode: respond
    listen: 127.0.0.1:80800
    staus: 200
  l4:
    mode: tcp
    listen: \${NOT_SET_ANYWHERE}
    upstreams:
      - \${ALSO_NOT_SET}
`);
  const result = padda(['check', '--config', broken]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.deepEqual(result.stderr.trim().split('\n'), [
    `${broken}:4:13 listeners.web.listen: port 80800 is out of range 1-65535`,
    `${broken}:5:5 listeners.web.staus: unknown key "staus" (did you mean "status"?)`,
    `${broken}:8:13 listeners.l4.listen: environment variable NOT_SET_ANYWHERE is not set (write \${NOT_SET_ANYWHERE:-default} to give a default)`,
    `${broken}:10:9 listeners.l4.upstreams[0]: environment variable ALSO_NOT_SET is not set (write \${ALSO_NOT_SET:-default} to give a default)`,
    'padda: 4 problems in config',
  ]);
  const fixedEnv = padda(['check', '--config', broken], { NOT_SET_ANYWHERE: '127.0.0.1:7000', ALSO_NOT_SET: 'nowhere' });
  assert.deepEqual(fixedEnv.stderr.trim().split('\n'), [
    `${broken}:4:13 listeners.web.listen: port 80800 is out of range 1-65535`,
    `${broken}:5:5 listeners.web.staus: unknown key "staus" (did you mean "status"?)`,
    `${broken}:10:9 listeners.l4.upstreams[0]: "nowhere" is not an address (expected host:port, [ipv6]:port or /path/to.sock)`,
    'padda: 3 problems in config',
  ]);
});

test('PADDA_CONFIG names the file when --config is absent; run refuses an invalid one with exit 2', () => {
  assert.equal(padda(['check'], { PADDA_CONFIG: 'config/demo.yaml' }).code, 0);
  const result = padda(['run'], { PADDA_CONFIG: file('bad.yaml', 'listeners: 3\n') });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /bad\.yaml:1:12 listeners: expected record/);
  assert.match(padda(['check']).stderr, /no config file/);
});

test('schema is JSON Schema describing modes; version and help answer', () => {
  const schema = JSON.parse(padda(['schema']).stdout);
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  const modes = JSON.stringify(schema.properties.listeners);
  assert.match(modes, /"const":"tcp"/);
  assert.match(modes, /"const":"respond"/);
  assert.match(padda(['version']).stdout, /^padda \d+\.\d+\.\d+\n$/);
  assert.match(padda(['--help']).stdout, /padda check/);
  const unknown = padda(['frobnicate']);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('a reader that stops early (padda schema | head) ends padda quietly with exit 0, not an EPIPE trace', () => {
  // The schema is larger than a pipe's buffer, so padda is still writing when head has left.
  const result = spawnSync('bash', ['-c', `"$0" "$1" schema | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`, process.execPath, BIN], { encoding: 'utf8' });
  assert.equal(result.stderr, '');
  assert.equal(result.stdout.trim(), '0');
});
