/**
 * Shadow traffic through a real padda: the mirrored requests are exactly
 * those whose murmur2($request_uri) mod 10000 falls under the fraction, the
 * comparison counts scripted differences exactly, bodies are copied up to
 * the cap, and a slow or dead shadow changes nothing for the primary.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { hashFunction } from '../../../src/hash/index.ts';
import { sendAll } from '../../support/http-load.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

interface Seen {
  url: string;
  host: string;
  bodySha256: string;
}

/** An app answering `web:<path>`; as a shadow, it answers differently where scripted and records what it got. */
async function startApp(role: 'primary' | 'shadow' | 'slow') {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => hash.update(chunk));
    req.on('end', () => {
      seen.push({ url: req.url!, host: String(req.headers.host), bodySha256: hash.digest('hex') });
      const path = req.url!;
      if (role === 'slow') {
        setTimeout(() => res.end(`web:${path}`), 1000);
        return;
      }
      if (role === 'shadow' && path.startsWith('/status/')) res.statusCode = 500;
      res.end(role === 'shadow' && path.startsWith('/body/') ? `v2:${path}` : `web:${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as net.AddressInfo).port, close: () => { server.closeAllConnections(); server.close(); } };
}

type App = Awaited<ReturnType<typeof startApp>>;
let primary: App;
let shadow: App;
let slow: App;
let padda: PaddaProcess;
let admin = 0;
let compared = 0;
let slowMirror = 0;
let noMirror = 0;
let deadMirror = 0;

before(async () => {
  [primary, shadow, slow] = await Promise.all([startApp('primary'), startApp('shadow'), startApp('slow')]);
  let closed = 0;
  [admin, compared, slowMirror, noMirror, deadMirror, closed] = (await freePorts(6)) as [number, number, number, number, number, number];
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  compared:
    mode: split
    listen: 127.0.0.1:${compared}
    sticky: { by: none }
    variants:
      - { name: web, upstream: http://127.0.0.1:${primary.port}, weight: 1 }
      - { name: v2, upstream: http://127.0.0.1:${shadow.port}, weight: 0 }
    mirror: { to: v2, fraction: 0.3, compare: true, max_concurrency: 10000, max_body: 4kb, shadow_host: true }
  slow-mirror:
    mode: split
    listen: 127.0.0.1:${slowMirror}
    sticky: { by: none }
    variants: [{ name: web, upstream: http://127.0.0.1:${primary.port} }]
    mirror: { to: http://127.0.0.1:${slow.port}, max_concurrency: 16 }
  no-mirror:
    mode: split
    listen: 127.0.0.1:${noMirror}
    variants: [{ name: web, upstream: http://127.0.0.1:${primary.port} }]
  dead-mirror:
    mode: split
    listen: 127.0.0.1:${deadMirror}
    variants: [{ name: web, upstream: http://127.0.0.1:${primary.port} }]
    mirror: { to: http://127.0.0.1:${closed}, compare: true }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  for (const app of [primary, shadow, slow]) app?.close();
});

async function mirrorStats(listener: string): Promise<Record<string, any>> {
  const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body);
  return stats.listeners[listener].workers.main.mirror;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

const murmur2 = hashFunction('murmur2_nginx');
const mirrored = (uri: string) => {
  const bytes = Buffer.from(uri, 'latin1');
  return murmur2(bytes, 0, bytes.length) % 10_000 < 3000;
};

describe('mirror with compare', { timeout: 120_000 }, () => {
  test('exactly the requests murmur2($request_uri) puts under the fraction are copied, and every difference is counted', async () => {
    const uris = Array.from({ length: 6000 }, (_, i) => `/${['same', 'status', 'body'][i % 3]}/${i}?n=${i * 7}`);
    const answers = await sendAll(compared, uris.map((path) => ({ path, headers: { host: 'app.example' } })));
    assert.ok(answers.every((a, i) => a.status === 200 && a.body === `web:${uris[i]}`), 'the primary answers every request');
    const expected = uris.filter(mirrored);
    assert.ok(expected.length > 1600 && expected.length < 2000, `${expected.length} of 6000 under 0.3`);
    const stats = await until(() => mirrorStats('compared'), (m) => m.sent === expected.length, 'copies sent');
    assert.deepEqual(shadow.seen.map((s) => s.url).sort(), [...expected].sort(), 'the shadow got exactly the expected copies');
    assert.ok(shadow.seen.every((s) => s.host === 'app.example-shadow'), 'copies carry Host <host>-shadow');
    const count = (kind: string) => expected.filter((u) => u.startsWith(`/${kind}/`)).length;
    const compare = stats.compare;
    assert.deepEqual(
      { match: compare.match, status_differs: compare.status_differs, body_differs: compare.body_differs, primary_failed: compare.primary_failed, shadow_failed: compare.shadow_failed },
      { match: count('same'), status_differs: count('status'), body_differs: count('body'), primary_failed: 0, shadow_failed: 0 },
    );
    assert.equal(compare.differences.length, 10);
    const first = compare.differences.find((d: any) => d.result === 'status_differs');
    assert.equal(first.primary.status, 200);
    assert.equal(first.shadow.status, 500);
    const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
    assert.match(metrics, new RegExp(`padda_split_mirror_compared_total\\{listener="compared",result="body_differs"\\} ${count('body')}`));
  });

  test('request bodies are copied byte for byte up to max_body; larger ones are not copied, and the primary gets them whole', async () => {
    shadow.seen.length = 0;
    const small = 'x'.repeat(3000);
    const large = 'y'.repeat(5000);
    // Paths chosen so the copy is wanted: mirrored() is the fraction rule.
    const pathFor = (tag: string) => Array.from({ length: 1000 }, (_, i) => `/same/${tag}-${i}`).find(mirrored)!;
    const before = await mirrorStats('compared');
    const pool = new Pool(`http://127.0.0.1:${compared}`);
    const send = async (path: string, body: string | Readable) => {
      const res = await pool.request({ path, method: 'POST', body });
      return res.body.text();
    };
    assert.equal(await send(pathFor('small'), small), `web:${pathFor('small')}`);
    assert.equal(await send(pathFor('large'), large), `web:${pathFor('large')}`);
    // Chunked, no length up front: the cap is found while the body streams.
    const chunks = async function* () {
      for (let i = 0; i < 5; i++) yield Buffer.alloc(1000, 'z');
    };
    assert.equal(await send(pathFor('chunked'), Readable.from(chunks())), `web:${pathFor('chunked')}`);
    await pool.close();
    const after = await until(() => mirrorStats('compared'), (m) => m.sent === before.sent + 1 && m.dropped_body === before.dropped_body + 2, 'one copied, two dropped for size');
    assert.equal(after.compare.match, before.compare.match + 1);
    assert.deepEqual(shadow.seen.map((s) => [s.url, s.bodySha256]), [[pathFor('small'), createHash('sha256').update(small).digest('hex')]]);
    const primarySeen = primary.seen.filter((s) => s.url === pathFor('chunked'))[0]!;
    assert.equal(primarySeen.bodySha256, createHash('sha256').update(Buffer.alloc(5000, 'z')).digest('hex'));
  });
});

describe('a slow or dead shadow', { timeout: 60_000 }, () => {
  /** Sequential requests over one keep-alive connection; their latencies in ms, sorted. */
  async function latencies(port: number, count: number): Promise<number[]> {
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const res = await pool.request({ path: `/lat/${i}`, method: 'GET' });
      assert.equal(await res.body.text(), `web:/lat/${i}`);
      times.push(performance.now() - started);
    }
    await pool.close();
    return times.sort((a, b) => a - b);
  }

  test('a shadow that takes 1 s to answer leaves the primary as fast as with no mirror; copies past max_concurrency are dropped', async () => {
    const base = await latencies(noMirror, 200);
    const mirroredTimes = await latencies(slowMirror, 200);
    const p50 = (t: number[]) => t[Math.floor(t.length * 0.5)]!;
    const p99 = (t: number[]) => t[Math.floor(t.length * 0.99)]!;
    assert.ok(p50(mirroredTimes) < p50(base) + 5, `p50 ${p50(mirroredTimes).toFixed(2)} ms vs ${p50(base).toFixed(2)} ms without a mirror`);
    assert.ok(p99(mirroredTimes) < 100, `p99 ${p99(mirroredTimes).toFixed(2)} ms with a 1 s shadow`);
    const stats = await mirrorStats('slow-mirror');
    assert.ok(stats.dropped_concurrency >= 150, `dropped ${stats.dropped_concurrency} past 16 in flight`);
    assert.ok(stats.in_flight <= 16);
  });

  test('a shadow nobody listens on: every primary answer is fine, the copies count as failed', async () => {
    const answers = await sendAll(deadMirror, Array.from({ length: 200 }, (_, i) => ({ path: `/dead/${i}` })));
    assert.ok(answers.every((a, i) => a.status === 200 && a.body === `web:/dead/${i}`));
    const stats = await until(() => mirrorStats('dead-mirror'), (m) => m.failed + m.dropped_no_replica === 200, 'copies failed or dropped');
    assert.ok(stats.failed >= 5, 'copies were tried until the target was ejected');
    assert.equal(stats.compare.shadow_failed, stats.failed);
    assert.equal(stats.compare.match, 0);
  });
});
