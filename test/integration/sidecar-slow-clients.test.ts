/**
 * Clients that hold resources without using them (issue 16): slow uploads
 * must not hold the upstream pool, a body that stops arriving is cut at
 * client.body_timeout, a request that cannot get an upstream connection in
 * time gets 503 instead of waiting without end, and an HTTP/2 client that
 * opens and resets streams in a loop (rapid reset, CVE-2023-44487) leaves
 * nothing queued behind it and loses its connection.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { parseResponse, rawExchange } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { selfSignedCertificate } from '../../src/tls/self-signed.ts';

let app: TestApp;
let padda: PaddaProcess;
let admin = 0;
let pooled = 0;
let h2 = 0;
let dir = '';

before(async () => {
  app = await startTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-slow-'));
  const pair = selfSignedCertificate(['localhost'], 2);
  fs.writeFileSync(path.join(dir, 'tls.crt'), pair.cert);
  fs.writeFileSync(path.join(dir, 'tls.key'), pair.key);
  [admin, pooled, h2] = (await freePorts(3)) as [number, number, number];
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  pooled:
    mode: sidecar
    listen: 127.0.0.1:${pooled}
    upstream: http://127.0.0.1:${app.port}
    retries: 0
    pool: { connections: 2, queue_timeout: 400ms }
    client: { body_timeout: 700ms }
  h2:
    mode: sidecar
    listen: 127.0.0.1:${h2}
    upstream: http://127.0.0.1:${app.port}
    pool: { connections: 2 }
    client: { http2_streams_per_second: 50 }
    tls: { cert: ${dir}/tls.crt, key: ${dir}/tls.key }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function timedGet(port: number, path = '/echo'): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await request(`http://127.0.0.1:${port}${path}`);
  await response.body.text();
  return { status: response.statusCode, ms: performance.now() - started };
}

test('40 clients uploading a small body a byte at a time hold no upstream connection: a GET is answered at once', async () => {
  const uploads: net.Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < 40; i++) {
    const socket = net.connect({ host: '127.0.0.1', port: pooled });
    socket.on('error', () => {});
    socket.write('POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n');
    timers.push(setInterval(() => socket.write('x'), 100));
    uploads.push(socket);
  }
  try {
    await sleep(300);
    const { status, ms } = await timedGet(pooled);
    assert.equal(status, 200);
    assert.ok(ms < 300, `the GET took ${ms.toFixed(0)} ms behind the slow uploads`);
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const socket of uploads) socket.destroy();
  }
});

test('a body that stops arriving gets 408 client_body_timeout, and the app never sees it complete', async () => {
  const before = app.arrivals.length;
  const started = Date.now();
  const { text, closed } = await rawExchange(pooled, 'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly ten b', { idleMs: 5000 });
  const response = parseResponse(text);
  assert.equal(response.status, 408);
  assert.equal(response.headers['x-padda-error'], 'client_body_timeout');
  assert.ok(closed);
  const held = Date.now() - started;
  assert.ok(held >= 600 && held < 2500, `held ${held} ms`);
  assert.ok(app.arrivals.slice(before).every((arrival) => !arrival.complete));
});

test('a request that gets no upstream connection within pool.queue_timeout gets 503 upstream_pool_timeout', async () => {
  const busy = [request(`http://127.0.0.1:${pooled}/slow?ms=1500`), request(`http://127.0.0.1:${pooled}/slow?ms=1500`)];
  await sleep(100);
  const started = performance.now();
  const response = await request(`http://127.0.0.1:${pooled}/echo`);
  const ms = performance.now() - started;
  assert.equal(response.statusCode, 503);
  assert.equal(response.headers['x-padda-error'], 'upstream_pool_timeout');
  await response.body.text();
  assert.ok(ms >= 350 && ms < 1200, `answered after ${ms.toFixed(0)} ms`);
  for (const answer of await Promise.all(busy)) await answer.body.text();
});

test('HTTP/2 rapid reset: reset streams leave the pool queue at once, and a connection opening streams too fast gets GOAWAY', async () => {
  const session = http2.connect(`https://127.0.0.1:${h2}`, { rejectUnauthorized: false });
  session.on('error', () => {});
  const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  // HEADERS, then RST_STREAM once the stream is open (closing it sooner sends nothing at all), as fast as the
  // client can: however loaded the machine, far more than 50 streams a second.
  let opened = 0;
  let code = -1;
  void goaway.then((received) => (code = received));
  for (let i = 0; i < 3000 && code === -1 && !session.destroyed && !session.closed; i++) {
    try {
      const stream = session.request({ ':path': '/slow?ms=3000' });
      stream.on('error', () => {});
      stream.once('ready', () => stream.close(http2.constants.NGHTTP2_CANCEL));
      opened++;
    } catch {
      break;
    }
    if (i % 20 === 19) await sleep(1);
  }
  code = await Promise.race([goaway, sleep(5000).then(() => -1)]);
  assert.equal(code, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, `GOAWAY after ${opened} streams`);
  session.destroy();
  // Nothing of the cancelled requests waits for the upstream: the queue is empty and other clients are served at once.
  await sleep(100);
  const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body) as { listeners: { h2: { workers: { main: { upstream: { pending: number } } } } } };
  assert.equal(stats.listeners.h2.workers.main.upstream.pending, 0);
  const other = http2.connect(`https://127.0.0.1:${h2}`, { rejectUnauthorized: false });
  try {
    const started = performance.now();
    const stream = other.request({ ':path': '/echo' });
    const status = await new Promise<number>((resolve) => stream.once('response', (headers) => resolve(Number(headers[':status']))));
    stream.resume();
    await new Promise((resolve) => stream.once('end', resolve));
    assert.equal(status, 200);
    assert.ok(performance.now() - started < 500, `${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    other.close();
  }
  const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
  assert.match(metrics, /padda_listener_errors_total\{listener="h2",mode="sidecar",reason="http2_stream_rate"\} [1-9]/);
});
