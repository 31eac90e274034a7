/**
 * The shard router with real upstreams (node:http apps answering their own
 * name): replicated shards, a replica that hangs, shards that go down
 * (`on_shard_down: next` and `fail`), key variables and the fallback for an
 * absent one, bounded loads under a hot key, a reload removing a shard under
 * traffic, and `padda route`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { sendAll } from '../../support/http-load.ts';
import { runLoad } from '../../support/load.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

const BIN = new URL('../../../bin/padda', import.meta.url).pathname;

interface App {
  name: string;
  port: number;
  hits: number;
  inFlight: number;
  peak: number;
  close(): void;
}

/** A replica answering its name: at once, after `delayMs`, or never (`hang`). */
async function startApp(name: string, behaviour: { delayMs?: number; hang?: boolean } = {}): Promise<App> {
  const app: App = { name, port: 0, hits: 0, inFlight: 0, peak: 0, close: () => {} };
  const server = http.createServer((req, res) => {
    app.hits++;
    app.inFlight++;
    app.peak = Math.max(app.peak, app.inFlight);
    res.on('close', () => app.inFlight--);
    if (behaviour.hang) return;
    const answer = () => res.end(name);
    if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.port = (server.address() as net.AddressInfo).port;
  app.close = () => {
    server.closeAllConnections();
    server.close();
  };
  return app;
}

const apps: App[] = [];
async function app(name: string, behaviour: { delayMs?: number; hang?: boolean } = {}): Promise<App> {
  const started = await startApp(name, behaviour);
  apps.push(started);
  return started;
}

let padda: PaddaProcess;
let admin = 0;
const port: Record<string, number> = {};
let a: App, b1: App, b2: App, c: App, hangs: App, healthy: App;
let closed = 0;

const LISTENERS = ['replicated', 'hanging', 'next', 'fail', 'keyed', 'nginx-empty', 'bounded', 'unbounded', 'reloaded'] as const;

function config(reloadedShards: string): string {
  const up = (x: App) => `http://127.0.0.1:${x.port}`;
  return `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  replicated:
    mode: shard-router
    listen: 127.0.0.1:${port.replicated}
    shard_header: true
    shards:
      - ${up(a)}
      - { name: b, replicas: [${up(b1)}, ${up(b2)}], weight: 2 }
  hanging:
    mode: shard-router
    listen: 127.0.0.1:${port.hanging}
    timeouts: { response: 300ms }
    eject: { failures: 2, time: 30s }
    shards:
      - { name: only, replicas: [${up(hangs)}, ${up(healthy)}] }
  next:
    mode: shard-router
    listen: 127.0.0.1:${port.next}
    eject: { failures: 2, time: 30s }
    shards: [${up(a)}, "http://127.0.0.1:${closed}", ${up(c)}]
  fail:
    mode: shard-router
    listen: 127.0.0.1:${port.fail}
    on_shard_down: fail
    eject: { failures: 1, time: 30s }
    shards: [${up(a)}, "http://127.0.0.1:${closed}", ${up(c)}]
  keyed:
    mode: shard-router
    listen: 127.0.0.1:${port.keyed}
    key: t-$http_x_tenant$uri
    shards: [${up(a)}, ${up(b1)}, ${up(c)}]
  nginx-empty:
    mode: shard-router
    listen: 127.0.0.1:${port['nginx-empty']}
    key: $cookie_user
    key_fallback: ""
    shards: [${up(a)}, ${up(b1)}, ${up(c)}]
  bounded:
    mode: shard-router
    listen: 127.0.0.1:${port.bounded}
    balance_factor: 1.25
    shards: [${apps.filter((x) => x.name.startsWith('slow')).map(up).join(', ')}]
  unbounded:
    mode: shard-router
    listen: 127.0.0.1:${port.unbounded}
    shards: [${apps.filter((x) => x.name.startsWith('slow')).map(up).join(', ')}]
  reloaded:
    mode: shard-router
    listen: 127.0.0.1:${port.reloaded}
    shards: [${reloadedShards}]
`;
}

before(async () => {
  a = await app('a');
  b1 = await app('b1');
  b2 = await app('b2');
  c = await app('c');
  hangs = await app('hangs', { hang: true });
  healthy = await app('healthy');
  for (let i = 0; i < 4; i++) await app(`slow${i}`, { delayMs: 30 });
  const ports = await freePorts(LISTENERS.length + 2);
  admin = ports[0]!;
  closed = ports[1]!;
  LISTENERS.forEach((name, i) => (port[name] = ports[i + 2]!));
  padda = startPadda(config(`http://127.0.0.1:${a.port}, http://127.0.0.1:${b1.port}, http://127.0.0.1:${c.port}`));
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  for (const x of apps) x.close();
});

/** `padda route` over the running config: the shard each key is placed on with every shard up. Keys go on stdin, or as arguments (an empty key can). */
function route(listener: string, keys: string[], asArguments = false): string[] {
  const args = [BIN, 'route', '--config', padda.configPath, '--listener', listener, ...(asArguments ? keys : [])];
  const result = spawnSync(process.execPath, args, { input: asArguments ? '' : keys.join('\n'), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.replace(/\n$/, '').split('\n').map((line) => line.split('\t')[1]!);
}
const shardName = (x: App) => `127.0.0.1:${x.port}`;
const paths = (count: number, prefix = '/k') => Array.from({ length: count }, (_, i) => `${prefix}/${i}`);

describe('replicated shards', () => {
  test('a key goes to its shard (as padda route says); a replicated shard spreads over its replicas; x-padda-shard names it', async () => {
    const list = paths(600);
    const answers = await sendAll(port.replicated!, list.map((path) => ({ path })));
    const expected = route('replicated', list);
    answers.forEach((got, i) => {
      assert.equal(got.headers['x-padda-shard'], expected[i]);
      assert.equal(expected[i] === 'b' ? ['b1', 'b2'].includes(got.body) : got.body === 'a', true, `${list[i]} → ${got.body}`);
    });
    assert.ok(b1.hits > 50 && b2.hits > 50, `b1 ${b1.hits}, b2 ${b2.hits}`);
  });

  test('a replica that hangs: at most eject.failures requests time out (504), then the other replica takes all', async () => {
    const answers = await sendAll(port.hanging!, paths(60).map((path) => ({ path })), 4);
    const timedOut = answers.filter((x) => x.status === 504);
    assert.ok(timedOut.length <= 2, `${timedOut.length} timed out`);
    assert.ok(timedOut.every((x) => x.headers['x-padda-error'] === 'upstream_response_timeout'));
    assert.ok(answers.slice(-40).every((x) => x.status === 200 && x.body === 'healthy'));
  });
});

describe('a shard whose replicas all fail', () => {
  test('on_shard_down: next — its keys go to the next shard on the ring, no other key moves; /stats shows it out', async () => {
    const list = paths(300, '/n');
    const owners = route('next', list);
    const deadName = `127.0.0.1:${closed}`;
    const warmup = await sendAll(port.next!, list.map((path) => ({ path })), 1);
    assert.ok(warmup.filter((x) => x.status !== 200).length <= 2, 'two failures eject the dead shard');
    const answers = await sendAll(port.next!, list.map((path) => ({ path })));
    answers.forEach((got, i) => {
      assert.equal(got.status, 200);
      if (owners[i] !== deadName) assert.equal(shardName(got.body === 'a' ? a : c), owners[i], 'keys of live shards stay');
    });
    const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body).listeners.next.workers.main;
    assert.deepEqual(stats.shards.map((s: any) => s.in_distribution), [true, false, true]);
  });

  test('on_shard_down: fail — its keys get 503 no_healthy_upstream, other keys are served', async () => {
    const list = paths(200, '/f');
    const owners = route('fail', list);
    const answers = await sendAll(port.fail!, list.map((path) => ({ path })), 1);
    const deadName = `127.0.0.1:${closed}`;
    const deadKeys = answers.filter((_, i) => owners[i] === deadName);
    assert.ok(deadKeys.length > 20);
    assert.ok(deadKeys.slice(1).every((x) => x.status === 503 && x.headers['x-padda-error'] === 'no_healthy_upstream'));
    assert.ok(answers.filter((_, i) => owners[i] !== deadName).every((x) => x.status === 200));
  });
});

describe('keys', () => {
  test('variables and literals combine; a request without the header falls back to $request_uri', async () => {
    const withTenant = await sendAll(port.keyed!, paths(200, '/p/../q/x').map((path) => ({ path, headers: { 'x-tenant': 'acme' } })));
    // $uri is normalized: /p/../q/x/7 → /q/x/7.
    const expected = route('keyed', paths(200, '/q/x').map((p) => `t-acme${p}`));
    withTenant.forEach((got, i) => assert.equal(shardName(apps.find((x) => x.name === got.body)!), expected[i]));
    const noTenant = await sendAll(port.keyed!, paths(200, '/r').map((path) => ({ path })));
    const byUri = route('keyed', paths(200, '/r'));
    noTenant.forEach((got, i) => assert.equal(shardName(apps.find((x) => x.name === got.body)!), byUri[i]));
  });

  test('key_fallback: "" hashes the empty key, as nginx does: every request without the cookie lands on one shard', async () => {
    const answers = await sendAll(port['nginx-empty']!, paths(100, '/e').map((path) => ({ path })));
    assert.equal(new Set(answers.map((x) => x.body)).size, 1);
    const [empty] = route('nginx-empty', [''], true);
    assert.equal(shardName(apps.find((x) => x.name === answers[0]!.body)!), empty);
    const users = await sendAll(port['nginx-empty']!, paths(100, '/e').map((path, i) => ({ path, headers: { cookie: `user=u${i}` } })));
    assert.equal(new Set(users.map((x) => x.body)).size, 3, 'with the cookie, users spread');
  });
});

describe('bounded loads', () => {
  /** 32 clients asking for one hot key against 4 shards that take 30 ms; the shards' peak and total in flight. */
  async function hotKey(listener: 'bounded' | 'unbounded') {
    const slow = apps.filter((x) => x.name.startsWith('slow'));
    for (const x of slow) {
      x.hits = 0;
      x.peak = 0;
    }
    await sendAll(port[listener]!, Array.from({ length: 640 }, () => ({ path: '/viral' })), 32);
    return slow.map((x) => x.hits);
  }

  test('without a bound one hot key melts its shard; with balance_factor 1.25 it spills to the next shards', async () => {
    const unbounded = await hotKey('unbounded');
    assert.equal(unbounded.filter((h) => h > 0).length, 1, `hits ${unbounded}`);
    const bounded = await hotKey('bounded');
    const mean = bounded.reduce((x, y) => x + y, 0) / bounded.length;
    assert.ok(Math.max(...bounded) / mean <= 1.4, `hits ${bounded}`);
    const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
    assert.match(metrics, /padda_shard_spills_total\{listener="bounded"\} [1-9]/);
  });
});

describe('reload', () => {
  test('removing a shard under traffic fails no request; its keys move, the others stay', async () => {
    const load = runLoad(port.reloaded!, 8, (status, body) => status === 200 && ['a', 'b1', 'c'].includes(body));
    await new Promise((r) => setTimeout(r, 300));
    const since = padda.logs().length;
    padda.writeConfig(config(`http://127.0.0.1:${a.port}, http://127.0.0.1:${c.port}`));
    await padda.waitForLog(/reload/i, since);
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    assert.deepEqual(result.errors, []);
    assert.ok(result.ok > 50);
    const answers = await sendAll(port.reloaded!, paths(200, '/z').map((path) => ({ path })));
    assert.ok(answers.every((x) => x.status === 200 && x.body !== 'b1'));
  });

  test('/ready answers 503 naming the listener when every shard is down', async () => {
    const since = padda.logs().length;
    padda.writeConfig(config(`http://127.0.0.1:${closed}`).replace(/(reloaded:\n    mode: shard-router\n)/, '$1    eject: { failures: 1, time: 30s }\n'));
    await padda.waitForLog(/reload/i, since);
    await request(`http://127.0.0.1:${port.reloaded}/`).then((r) => r.body.dump());
    const ready = await get(`http://127.0.0.1:${admin}/ready`);
    assert.equal(ready.status, 503);
    assert.match(ready.body, /reloaded.*every shard is down/);
  });
});
