import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigFile, loadConfigText } from '../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../src/config/problems.ts';
import type { PaddaConfig } from '../../../src/config/schema.ts';

function load(text: string, env: Record<string, string> = {}): PaddaConfig {
  return loadConfigText(configSchema, 'padda.yaml', text, env) as PaddaConfig;
}

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    load(text, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems.map(formatProblem);
  }
  assert.fail('config was accepted');
}

const minimal = `
listeners:
  app:
    mode: respond
    listen: 127.0.0.1:8080
`;

test('fills defaults for everything not written', () => {
  const config = load(minimal);
  assert.deepEqual(config.admin.listen, { kind: 'tcp', host: '127.0.0.1', port: 9901 });
  assert.equal(config.workers, 1);
  assert.equal(config.log.level, 'info');
  assert.equal(config.drain_timeout, 30_000);
  assert.deepEqual(config.listeners.app, { mode: 'respond', listen: { kind: 'tcp', host: '127.0.0.1', port: 8080 }, status: 200, headers: {}, body: '' });
});

test('durations, "auto" workers and unix sockets parse', () => {
  assert.equal(load(`workers: auto\n${minimal}`).workers, os.availableParallelism());
  const config = load(`
drain_timeout: 2.5s
listeners:
  l4:
    mode: tcp
    listen: /tmp/padda-test.sock 0660
    upstreams: ["[::1]:6379", "redis-0.redis:6379"]
    connect_timeout: 250ms
`);
  assert.equal(config.drain_timeout, 2500);
  const l4 = config.listeners.l4 as unknown as { listen: unknown; upstreams: unknown; connect_timeout: number };
  assert.deepEqual(l4.listen, { kind: 'unix', path: '/tmp/padda-test.sock', permissions: 0o660 });
  assert.deepEqual(l4.upstreams, [{ kind: 'tcp', host: '::1', port: 6379 }, { kind: 'tcp', host: 'redis-0.redis', port: 6379 }]);
  assert.equal(l4.connect_timeout, 250);
});

test('environment interpolation keeps types of unquoted scalars', () => {
  const config = load(`
workers: \${WORKERS:-2}
listeners:
  app:
    mode: respond
    listen: \${LISTEN:-127.0.0.1:8080}
    status: \${STATUS}
    body: "\${STATUS}"
`, { STATUS: '503' });
  assert.equal(config.workers, 2);
  const app = config.listeners.app as unknown as { status: unknown; body: unknown };
  assert.equal(app.status, 503);
  assert.equal(app.body, '503');
});

test('an environment value cannot inject YAML structure', () => {
  const config = load(`
listeners:
  app:
    mode: respond
    listen: 127.0.0.1:8080
    body: \${BODY}
`, { BODY: 'x\nstatus: 500' });
  assert.equal((config.listeners.app as unknown as { body: string }).body, 'x\nstatus: 500');
  assert.equal((config.listeners.app as unknown as { status: number }).status, 200);
});

test('unknown keys are reported at the key with a suggestion', () => {
  const found = problems(`
listeners:
  app:
    mode: respond
    listen: 127.0.0.1:8080
    stauts: 200
    zzzzzzzzzzz: 1
admn: {}
`);
  assert.ok(found.includes('padda.yaml:6:5 listeners.app.stauts: unknown key "stauts" (did you mean "status"?)'), found.join('\n'));
  assert.ok(found.some((p) => p.startsWith('padda.yaml:7:5 listeners.app.zzzzzzzzzzz: unknown key "zzzzzzzzzzz" (known keys: mode, listen, status, headers, body, access_log)')), found.join('\n'));
  assert.ok(found.includes('padda.yaml:8:1 admn: unknown key "admn" (did you mean "admin"?)'), found.join('\n'));
});

test('wrong types, bad values and unknown modes name line, column and path', () => {
  const found = problems(`
workers: many
listeners:
  a:
    mode: respond
    listen: 127.0.0.1:99999
    status: "ok"
  b:
    mode: tpc
    listen: 127.0.0.1:8081
  c:
    listen: 127.0.0.1:8082
  d:
    mode: tcp
    listen: 127.0.0.1:8083
    upstreams: []
    connect_timeout: soon
`);
  const expect = [
    /^padda\.yaml:2:10 workers: workers is a number from 1 to 256, or "auto"$/,
    /^padda\.yaml:6:13 listeners\.a\.listen: port 99999 is out of range/,
    /^padda\.yaml:7:13 listeners\.a\.status: expected number, received string$/,
    /^padda\.yaml:9:11 listeners\.b\.mode: unknown mode "tpc" \(did you mean "tcp"\?\); known: tcp, respond/,
    /^padda\.yaml:12:5 listeners\.c: missing "mode" \(one of: tcp, respond, /,
    /^padda\.yaml:16:16 listeners\.d\.upstreams: needs at least one upstream/,
    /^padda\.yaml:17:22 listeners\.d\.connect_timeout: "soon" is not a duration/,
  ];
  for (const pattern of expect) assert.ok(found.some((p) => pattern.test(p)), `${pattern} not in:\n${found.join('\n')}`);
});

test('a union names the problem of the branch the value chose, or the types it would take', () => {
  const sidecar = (redirect: string) => `
listeners:
  s:
    mode: sidecar
    listen: 127.0.0.1:8443
    upstream: http://127.0.0.1:8080
    tls: { cert: /x.crt, key: /x.key }
    redirect_http: ${redirect}
`;
  assert.deepEqual(problems(sidecar('nonsense')), [
    'padda.yaml:8:20 listeners.s.redirect_http: "nonsense" is not an address (expected host:port, [ipv6]:port or /path/to.sock)',
  ]);
  assert.deepEqual(problems(sidecar('5')), ['padda.yaml:8:20 listeners.s.redirect_http: expected string or object']);
});

test('a missing required key points at its parent', () => {
  const found = problems(`
listeners:
  d:
    mode: tcp
    listen: 127.0.0.1:8083
`);
  assert.deepEqual(found, ['padda.yaml:4:5 listeners.d: missing required key "upstreams"']);
});

test('two listeners on one port is an error (SO_REUSEPORT would silently share it)', () => {
  const found = problems(`
listeners:
  a: { mode: respond, listen: 127.0.0.1:8080 }
  b: { mode: respond, listen: 0.0.0.0:8080 }
`);
  assert.match(found[0]!, /^padda\.yaml:4:31 listeners\.b\.listen: listener "a" already listens on this port/);
});

test('a unix socket listener with several workers is refused', () => {
  const found = problems(`
workers: 2
listeners:
  a: { mode: respond, listen: /tmp/a.sock }
`);
  assert.match(found[0]!, /^padda\.yaml:4:31 listeners\.a\.listen: a unix socket listener needs workers: 1/);
});

test('malformed YAML gives its position', () => {
  const found = problems('listeners:\n  a: [unclosed\n');
  assert.equal(found.length >= 1, true);
  assert.match(found[0]!, /^padda\.yaml:\d+:\d+: /);
  assert.ok(problems('a: 1\na: 2\n').includes('padda.yaml:2:1: Map keys must be unique'));
});

test('missing environment variables are listed with their place', () => {
  const found = problems(`
listeners:
  app:
    mode: respond
    listen: \${APP_LISTEN}
    body: \${A}\${B:-ok}
`);
  assert.deepEqual(found, [
    'padda.yaml:5:13 listeners.app.listen: environment variable APP_LISTEN is not set (write ${APP_LISTEN:-default} to give a default)',
    'padda.yaml:6:11 listeners.app.body: environment variable A is not set (write ${A:-default} to give a default)',
  ]);
});

test('an empty document or one without listeners says what is missing', () => {
  assert.deepEqual(problems(''), ['padda.yaml:1:1: missing required key "listeners"']);
  assert.match(problems('- a\n- b\n')[0]!, /expected object/);
});

test('hostile input: an alias bomb is a problem, not an uncaught ReferenceError', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) {
    const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
    bomb.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
  }
  assert.deepEqual(problems(bomb.join('\n')), ['padda.yaml:1:1: aliases: Excessive alias count indicates a resource exhaustion attack']);
});

test('hostile input: thousands of aliases are refused before any is resolved (each one makes yaml scan every anchor)', () => {
  const lines = ['listeners: {}'];
  for (let i = 0; i < 1_500; i++) lines.push(`k${i}: &a${i} v`, `r${i}: *a${i}`);
  assert.deepEqual(problems(lines.join('\n')), ['padda.yaml:1:1: 1500 aliases; at most 1000 are expanded']);
});

test('hostile input: a config over 4 MiB is refused unread', () => {
  const big = `${minimal}${'#'.repeat(4 * 1024 * 1024)}\n`;
  assert.deepEqual(problems(big), [`padda.yaml:0:0: config is ${big.length} bytes; at most ${4 * 1024 * 1024} are read`]);
});

test('hostile input: collections nested beyond the stack are a problem, not a crash', () => {
  const deep = `listeners: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`;
  assert.deepEqual(problems(deep), ['padda.yaml:1:1012: collections nested more than 1000 deep']);
  // Brackets inside a quoted string are text, not nesting.
  assert.equal(load(`listeners:\n  a: { mode: respond, listen: 127.0.0.1:8080, body: "${'['.repeat(5000)}" }\n`).listeners.a!.body, '['.repeat(5000));
});

test('repeated keys are found in every map, each at its line, in a big map too', () => {
  const lines = ['listeners:'];
  for (let i = 0; i < 5_000; i++) lines.push(`  l${i}: { mode: respond, listen: 127.0.0.1:${10_000 + i} }`);
  lines.push('  l7: { mode: respond, listen: 127.0.0.1:9999 }', '  l4999: { mode: respond, listen: 127.0.0.1:9998 }');
  assert.deepEqual(problems(lines.join('\n')), ['padda.yaml:5002:3: Map keys must be unique', 'padda.yaml:5003:3: Map keys must be unique']);
});

test('an unreadable file is a problem naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-config-'));
  const missing = path.join(dir, 'nope.yaml');
  assert.throws(() => loadConfigFile(configSchema, missing, {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(formatProblem(error.problems[0]!), `${missing}:0:0: cannot read config: no such file`);
    return true;
  });
  fs.rmSync(dir, { recursive: true });
});

test('a listener name that breaks the naming rule is a problem saying the rule, at the name', () => {
  assert.deepEqual(problems(`
listeners:
  "<i>web</i>": { mode: respond, listen: 127.0.0.1:8080 }
`), ['padda.yaml:3:3 listeners.<i>web</i>: listener names use letters, digits, "_", "." and "-"']);
});
