/**
 * Every method, with and without a body, with and without the splitter's
 * cookie, through every forwarding HTTP mode (sidecar, shard-router, split
 * sticky by cookie, split with mirroring) to a real app that records what
 * arrived. A request that the app answered must reach the client as the app
 * answered it, and must never count against the replica that served it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

let app: TestApp;
let shadow: TestApp;
let padda: PaddaProcess;
let admin = 0;
const listeners: Record<string, number> = {};
const MODES = ['sidecar', 'shards', 'split', 'mirrored'] as const;

before(async () => {
  [app, shadow] = await Promise.all([startTestApp(), startTestApp()]);
  const ports = await freePorts(MODES.length + 1);
  admin = ports[0]!;
  MODES.forEach((name, i) => (listeners[name] = ports[i + 1]!));
  const upstream = `http://127.0.0.1:${app.port}`;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  sidecar: { mode: sidecar, listen: 127.0.0.1:${listeners.sidecar}, upstream: ${upstream} }
  shards:
    mode: shard-router
    listen: 127.0.0.1:${listeners.shards}
    eject: { failures: 2, time: 30s }
    shards: [{ name: only, replicas: [${upstream}] }]
  split:
    mode: split
    listen: 127.0.0.1:${listeners.split}
    eject: { failures: 2, time: 30s }
    variants: [{ name: web, upstream: ${upstream}, weight: 9 }, { name: exp, upstream: ${upstream}, weight: 1 }]
  mirrored:
    mode: split
    listen: 127.0.0.1:${listeners.mirrored}
    eject: { failures: 2, time: 30s }
    variants: [{ name: web, upstream: ${upstream} }]
    mirror: { to: http://127.0.0.1:${shadow.port}, compare: true }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await Promise.all([app?.close(), shadow?.close()]);
});

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

interface Echo {
  method: string;
  bodyBytes: number;
}

for (const mode of MODES) {
  describe(`${mode}: every method answered as the app answered it`, () => {
    for (const method of METHODS) {
      for (const body of [null, 'x'.repeat(3000)]) {
        for (const cookie of [null, 'padda-variant=web.17']) {
          if (body !== null && (method === 'GET' || method === 'HEAD')) continue;
          const name = `${method} ${body === null ? 'without' : 'with'} a body, ${cookie === null ? 'no cookie' : 'a cookie'}`;
          test(name, async () => {
            const headers: Record<string, string> = cookie === null ? {} : { cookie };
            const answer = await request(`http://127.0.0.1:${listeners[mode]}/echo?m=${method}`, { method, headers, body: body ?? undefined });
            const text = await answer.body.text();
            assert.equal(answer.statusCode, 200, `${name}: ${text} ${JSON.stringify(answer.headers)}`);
            if (method === 'HEAD') return;
            const echo = JSON.parse(text) as Echo;
            assert.equal(echo.method, method);
            assert.equal(echo.bodyBytes, body?.length ?? 0);
          });
        }
      }
    }
  });
}

test('none of those answers counted as a failure: every listener is still ready and no replica was ejected', async () => {
  const ready = await get(`http://127.0.0.1:${admin}/ready`);
  assert.equal(ready.status, 200, ready.body);
  const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
  const failures = metrics.split('\n').filter((line) => /^padda_(listener_errors|replica_ejections)_total\{/.test(line) && !/ 0$/.test(line));
  assert.deepEqual(failures, []);
  // A burst after all that still reaches the app from each listener.
  for (const mode of MODES) {
    const answer = await request(`http://127.0.0.1:${listeners[mode]}/echo`, { method: 'POST', body: 'after' });
    assert.equal(answer.statusCode, 200, mode);
    await answer.body.text();
  }
});
