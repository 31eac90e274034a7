/**
 * 1 GiB bodies through a real padda sidecar with a reader (or an app) slower
 * than the writer: backpressure must hold the bytes in the socket buffers,
 * so padda's resident memory stays flat instead of growing with the body.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { readSlowly } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { sampleRss } from '../support/rss.ts';

const GIB = 1024 * 1024 * 1024;
/** How fast the slow side consumes, in bytes per second. */
const SLOW_RATE = 300 * 1024 * 1024;
/** Growth allowed over the RSS before the transfer: buffers, JIT, GC slack; a leak of the body would be 1 GiB. */
const GROWTH_LIMIT = 80 * 1024 * 1024;

let app: TestApp;
let padda: PaddaProcess;
let port: number;

before(async () => {
  app = await startTestApp();
  const [admin, proxy] = (await freePorts(2)) as [number, number];
  port = proxy;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  proxy: { mode: sidecar, listen: 127.0.0.1:${proxy}, upstream: http://127.0.0.1:${app.port} }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  // Warm up the path (JIT, pools) so the baseline is the steady state.
  for (let i = 0; i < 20; i++) await fetch(`http://127.0.0.1:${proxy}/stream?bytes=1048576`).then((r) => r.arrayBuffer());
});
after(async () => {
  await padda.stop();
  await app.close();
});

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

test('1 GiB to a slow reader: padda memory stays flat', { timeout: 120_000 }, async (t) => {
  const rss = sampleRss(padda.child.pid!);
  const received = await new Promise<number>((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/stream?bytes=${GIB}`, (res) => readSlowly(res, SLOW_RATE).then(resolve, reject)).on('error', reject);
  });
  const samples = rss.stop();
  assert.equal(received, GIB);
  const growth = Math.max(...samples) - samples[0]!;
  t.diagnostic(`padda RSS ${mib(samples[0]!)} MiB before, ${mib(Math.max(...samples))} MiB peak, ${mib(samples.at(-1)!)} MiB after`);
  assert.ok(growth < GROWTH_LIMIT, `RSS grew ${(growth / 1048576).toFixed(1)} MiB (from ${(samples[0]! / 1048576).toFixed(1)} MiB)`);
});

test('1 GiB upload to a slow app: padda memory stays flat', { timeout: 120_000 }, async (t) => {
  const rss = sampleRss(padda.child.pid!);
  const block = Buffer.alloc(1024 * 1024, 'u');
  const body = Readable.from((function* () {
    for (let i = 0; i < GIB / block.length; i++) yield block;
  })());
  // The app reads at its own pace: node's default; what matters is that padda never reads faster than it can write.
  const response = await new Promise<string>((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${port}/upload`, { method: 'PUT', headers: { 'content-length': String(GIB) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    });
    req.on('error', reject);
    body.pipe(req);
  });
  const samples = rss.stop();
  assert.equal((JSON.parse(response) as { bodyBytes: number }).bodyBytes, GIB);
  const growth = Math.max(...samples) - samples[0]!;
  t.diagnostic(`padda RSS ${mib(samples[0]!)} MiB before, ${mib(Math.max(...samples))} MiB peak, ${mib(samples.at(-1)!)} MiB after`);
  assert.ok(growth < GROWTH_LIMIT, `RSS grew ${(growth / 1048576).toFixed(1)} MiB (from ${(samples[0]! / 1048576).toFixed(1)} MiB)`);
});
