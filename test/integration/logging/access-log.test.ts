/**
 * The access log hooked into every HTTP mode, through a real padda with
 * real clients (undici, node's http2 over TLS, raw sockets): one line per
 * request with the client side's facts (status, bytes, duration), the proxy
 * core's (upstream and its time, padda's own errors) and the mode's own
 * (shard, variant, leaves and hedges); sampling, slow_only, a client that
 * leaves (499); and the log files under logrotate (SIGUSR1), deleted, and
 * SIGHUP keeping its own meaning.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { createCa, issue } from '../../support/certs.ts';
import { startTestApp, type TestApp } from '../../support/http-app.ts';
import { json, startJsonLeaves, type JsonLeaf } from '../../support/json-leaf.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePort, freePorts } from '../../support/ports.ts';

type Line = Record<string, unknown>;

const NAMES = ['web', 'secure', 'shards', 'shard-a', 'shard-b', 'split', 'prod', 'exp', 'search', 'sampled', 'slow', 'dead', 'admin'] as const;
let port: Record<(typeof NAMES)[number], number>;
let dir: string;
let app: TestApp;
let leaves: JsonLeaf[][];
let padda: PaddaProcess;
let ca: { cert: string };

const file = (name: string) => path.join(dir, `${name}.log`);

function linesOf(name: string): Line[] {
  const text = fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : '';
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Line);
}

/** The log's lines once it has at least `count` (lines are written asynchronously). */
async function waitForLines(name: string, count: number, timeoutMs = 5000): Promise<Line[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = linesOf(name);
    if (lines.length >= count) return lines;
    assert.ok(Date.now() < deadline, `${name}.log has ${lines.length} lines, waited for ${count}`);
    await sleep(20);
  }
}

async function send(listener: keyof typeof port, target: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const response = await request(`http://127.0.0.1:${port[listener]}${target}`, { method: (options.method ?? 'GET') as 'GET', body: options.body, headers: options.headers });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-access-'));
  const tlsDir = path.join(dir, 'tls');
  const authority = createCa(path.join(tlsDir, 'ca'));
  ca = authority;
  const pair = issue(authority, { names: ['localhost', '127.0.0.1'], file: 'server' });
  app = await startTestApp();
  leaves = await Promise.all([0, 1].map((i) => startJsonLeaves(2, () => json({ docs: [`leaf-${i}`] }))));
  const ports = await freePorts(NAMES.length);
  port = Object.fromEntries(NAMES.map((name, i) => [name, ports[i]!])) as typeof port;
  const upstream = `http://127.0.0.1:${app.port}`;
  const log = (name: string, extra = '') => `access_log: { path: ${file(name)}${extra} }`;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${port.admin} }
listeners:
  web: { mode: sidecar, listen: 127.0.0.1:${port.web}, upstream: ${upstream}, ${log('web')} }
  secure:
    mode: sidecar
    listen: 127.0.0.1:${port.secure}
    upstream: ${upstream}
    tls: { cert: ${pair.cert}, key: ${pair.key}, http2: true }
    ${log('secure')}
  shards:
    mode: shard-router
    listen: 127.0.0.1:${port.shards}
    key: $request_uri
    shard_header: true
    shards:
      - { name: shard-a, replicas: [http://127.0.0.1:${port['shard-a']}] }
      - { name: shard-b, replicas: [http://127.0.0.1:${port['shard-b']}] }
    ${log('shards')}
  shard-a: { mode: respond, listen: 127.0.0.1:${port['shard-a']}, body: "a\\n" }
  shard-b: { mode: respond, listen: 127.0.0.1:${port['shard-b']}, body: "b\\n" }
  split:
    mode: split
    listen: 127.0.0.1:${port.split}
    sticky: { by: header, name: x-user }
    variants:
      - { name: production, upstream: http://127.0.0.1:${port.prod}, weight: 1 }
      - { name: experiment, upstream: http://127.0.0.1:${port.exp}, weight: 1 }
    ${log('split')}
  prod: { mode: respond, listen: 127.0.0.1:${port.prod}, body: "production\\n", ${log('respond')} }
  exp: { mode: respond, listen: 127.0.0.1:${port.exp}, body: "experiment\\n", ${log('respond')} }
  search:
    mode: scatter-gather
    listen: 127.0.0.1:${port.search}
    leaves: [${leaves.map((pair, i) => `{ name: leaf-${i}, replicas: [${pair.map((leaf) => leaf.url).join(', ')}] }`).join(', ')}]
    merge: { strategy: concat, path: docs }
    deadline: 3s
    hedge: { after: 100ms, max_extra: 100% }
    ${log('search')}
  sampled: { mode: sidecar, listen: 127.0.0.1:${port.sampled}, upstream: ${upstream}, ${log('sampled', ', sample: 0.5')} }
  slow: { mode: sidecar, listen: 127.0.0.1:${port.slow}, upstream: ${upstream}, ${log('slow', ', slow_only: 150ms')} }
  dead: { mode: sidecar, listen: 127.0.0.1:${port.dead}, upstream: http://127.0.0.1:${await freePort()}, ${log('dead')} }
`);
  await waitForStatus(`http://127.0.0.1:${port.admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await app?.close();
  await Promise.all((leaves ?? []).flat().map((leaf) => leaf.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('one line per request in every HTTP mode', () => {
  test('sidecar: time, client, method, target, status, bytes both ways, duration, upstream and its time, request id', async () => {
    const before = Date.now();
    const got = await send('web', '/echo?x=1', { method: 'POST', body: 'twelve bytes', headers: { 'user-agent': 'test-agent', 'x-request-id': 'req-7' } });
    const [line] = await waitForLines('web', 1);
    assert.equal(line!.listener, 'web');
    assert.equal(line!.client, '127.0.0.1');
    assert.equal(line!.method, 'POST');
    assert.equal(line!.target, '/echo?x=1');
    assert.equal(line!.protocol, 'HTTP/1.1');
    assert.equal(line!.status, got.status);
    assert.equal(line!.bytes_in, 12);
    assert.equal(line!.bytes_out, Buffer.byteLength(got.body));
    assert.equal(line!.upstream, `http://127.0.0.1:${app.port}`);
    assert.equal(line!.request_id, 'req-7');
    assert.equal(line!.user_agent, 'test-agent');
    const time = Date.parse(String(line!.time));
    assert.ok(time >= before - 5 && time <= Date.now(), `time ${line!.time}`);
    assert.ok(Number(line!.upstream_ms) >= 0 && Number(line!.upstream_ms) <= Number(line!.duration_ms));
    assert.equal('error' in line!, false);
  });

  test('HTTP/2 over TLS: the same line, protocol HTTP/2.0', async () => {
    const session = http2.connect(`https://localhost:${port.secure}`, { ca: fs.readFileSync(ca.cert) });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/stream?bytes=3000', 'user-agent': 'h2-client' });
        let text = '';
        stream.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
      assert.equal(body.length, 3000);
    } finally {
      session.close();
    }
    const [line] = await waitForLines('secure', 1);
    assert.equal(line!.protocol, 'HTTP/2.0');
    assert.equal(line!.status, 200);
    assert.equal(line!.bytes_out, 3000);
    assert.equal(line!.target, '/stream?bytes=3000');
    assert.equal(line!.user_agent, 'h2-client');
  });

  test('shard-router: the shard that owns the key, as the answer names it', async () => {
    const shards: string[] = [];
    for (let i = 0; i < 8; i++) shards.push(String((await send('shards', `/item/${i}`)).headers['x-padda-shard']));
    const lines = await waitForLines('shards', 8);
    assert.deepEqual(lines.map((l) => l.shard), shards);
    assert.deepEqual(lines.map((l) => l.target), shards.map((_, i) => `/item/${i}`));
    assert.ok(new Set(shards).size === 2, 'eight keys land on both shards');
    for (const line of lines) assert.equal(line.upstream, `http://127.0.0.1:${port[line.shard as 'shard-a']}`);
  });

  test('split: the variant that served the user, and the respond mode logs its own side', async () => {
    const bodies: string[] = [];
    for (let i = 0; i < 10; i++) bodies.push((await send('split', '/', { headers: { 'x-user': `user-${i}` } })).body.trim());
    const lines = await waitForLines('split', 10);
    assert.deepEqual(lines.map((l) => l.variant), bodies);
    assert.ok(bodies.includes('production') && bodies.includes('experiment'));
    const served = await waitForLines('respond', 10);
    assert.ok(served.every((l) => l.status === 200 && l.bytes_out === 'production\n'.length && l.bytes_out === 'experiment\n'.length));
  });

  test('scatter-gather: the leaves asked and the hedges sent', async () => {
    const [slow, fast] = leaves[0]!;
    slow!.behave(json({ docs: ['slow'] }, 800));
    fast!.behave(json({ docs: ['fast'] }, 1));
    try {
      for (let i = 0; i < 6; i++) assert.equal((await send('search', '/q')).status, 200);
    } finally {
      slow!.behave(json({ docs: ['leaf-0'] }));
    }
    const lines = await waitForLines('search', 6);
    assert.ok(lines.every((l) => l.leaves === 2 && l.status === 200));
    const hedges = lines.reduce((sum, l) => sum + Number(l.hedges), 0);
    assert.ok(slow!.requests.length > 0 && hedges >= slow!.requests.length, `${hedges} hedges logged; the slow replica got ${slow!.requests.length} first tries`);
    const metrics = await (await request(`http://127.0.0.1:${port.admin}/metrics`)).body.text();
    assert.match(metrics, new RegExp(`^padda_scatter_hedges_total\\{listener="search"\\} ${hedges}$`, 'm'), 'the lines add up to the hedge counter');
    assert.ok(lines.every((l) => !('upstream' in l)), 'the root answers itself: no one upstream');
  });
});

describe('what the log leaves out, and padda\'s own answers', () => {
  test('sample: 0.5 logs about half', async () => {
    for (let i = 0; i < 200; i++) await send('sampled', `/echo?n=${i}`);
    await sleep(300);
    const count = linesOf('sampled').length;
    assert.ok(count > 60 && count < 140, `${count} of 200 logged at 0.5`);
  });

  test('slow_only: only requests that took at least the threshold', async () => {
    await send('slow', '/echo');
    await send('slow', '/slow?ms=300');
    await send('slow', '/echo');
    const lines = await waitForLines('slow', 1);
    await sleep(200);
    assert.equal(linesOf('slow').length, 1);
    assert.equal(lines[0]!.target, '/slow?ms=300');
    assert.ok(Number(lines[0]!.duration_ms) >= 290);
  });

  test('an upstream that refuses: 502 with padda\'s reason and the upstream it tried', async () => {
    const got = await send('dead', '/x');
    assert.equal(got.status, 502);
    const [line] = await waitForLines('dead', 1);
    assert.equal(line!.status, 502);
    assert.equal(line!.error, 'upstream_connect_refused');
    assert.equal(line!.bytes_out, Buffer.byteLength(got.body));
    assert.match(String(line!.upstream), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal('upstream_ms' in line!, false);
  });

  test('a client that leaves before the answer: 499, client_closed, as nginx logs it', async () => {
    const before = linesOf('web').length;
    const socket = net.connect(port.web, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /slow?ms=2000 HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(200);
    // A reset: a FIN alone is a half-close, after which an HTTP/1.1 client may still read its answer.
    socket.resetAndDestroy();
    const lines = await waitForLines('web', before + 1);
    const line = lines.at(-1)!;
    assert.equal(line.target, '/slow?ms=2000');
    assert.equal(line.status, 499);
    assert.equal(line.error, 'client_closed');
    assert.ok(Number(line.duration_ms) >= 150 && Number(line.duration_ms) < 2000);
  });
});

describe('the log files under logrotate', () => {
  test('SIGUSR1 after a rename: old lines stay in the old file, new ones go to a new file; Node\'s inspector never opens', async () => {
    await send('web', '/echo?before');
    await waitForLines('web', linesOf('web').length);
    await sleep(100);
    fs.renameSync(file('web'), `${file('web')}.1`);
    const since = padda.logs().length;
    padda.signal('SIGUSR1');
    await sleep(300);
    await send('web', '/echo?after');
    const fresh = await waitForLines('web', 1);
    assert.deepEqual(fresh.map((l) => l.target), ['/echo?after']);
    const rotated = fs.readFileSync(`${file('web')}.1`, 'utf8');
    assert.match(rotated, /"target":"\/echo\?before"/);
    assert.doesNotMatch(rotated, /echo\?after/);
    assert.doesNotMatch(padda.output(), /Debugger listening/);
    assert.equal(padda.logs().slice(since).filter((l) => /reload/.test(String(l.msg))).length, 0, 'SIGUSR1 reopens, it does not reload');
  });

  test('a log file deleted under padda comes back at the next SIGUSR1; SIGHUP reopens as well', async () => {
    fs.rmSync(file('dead'));
    await send('dead', '/lost');
    padda.signal('SIGUSR1');
    await sleep(300);
    await send('dead', '/back');
    await waitForLines('dead', 1);
    await sleep(200);
    // A line logged while the file was gone is in the new file if it was still buffered at the reopen.
    const targets = linesOf('dead').map((l) => l.target);
    assert.ok(['/back', '/lost,/back'].includes(targets.join()), targets.join());
    fs.renameSync(file('dead'), `${file('dead')}.1`);
    padda.signal('SIGHUP');
    await sleep(500);
    await send('dead', '/after-hup');
    assert.deepEqual((await waitForLines('dead', 1)).map((l) => l.target), ['/after-hup']);
  });
});
