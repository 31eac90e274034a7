import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rawExchange } from '../../support/clients.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

/** The probe endpoint itself: paths, methods, bad requests, /stats, and a reload that never flips a probe. */
describe('health: the probe endpoint', () => {
  let padda: PaddaProcess;
  let port: number;
  let admin: number;
  let app: number;
  const config = (interval: string) => `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app:
    mode: respond
    listen: 127.0.0.1:${app}
  probe:
    mode: health
    listen: 127.0.0.1:${port}
    interval: ${interval}
    checks:
      app: { type: tcp, address: "127.0.0.1:${app}" }
      page: { type: http, url: "http://127.0.0.1:${app}/" }
`;

  before(async () => {
    [port, admin, app] = (await freePorts(3)) as [number, number, number];
    padda = startPadda(config('300ms'));
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  });

  after(() => padda?.stop());

  test('GET / is 200 "OK"; ?verbose is JSON of every check; /NAME is one check', async () => {
    assert.deepEqual(await get(`http://127.0.0.1:${port}/`).then((r) => [r.status, r.body]), [200, 'OK\n']);
    const verbose = await get(`http://127.0.0.1:${port}/?verbose`);
    assert.equal(verbose.headers['content-type'], 'application/json');
    const body = JSON.parse(verbose.body);
    assert.equal(body.status, 'pass');
    assert.deepEqual(Object.keys(body.checks), ['app', 'page']);
    assert.equal(body.checks.page.details.status, 200);
    const one = JSON.parse((await get(`http://127.0.0.1:${port}/app?verbose=1`)).body);
    assert.deepEqual(Object.keys(one.checks), ['app']);
  });

  test('HEAD has no body, other methods 405, unknown paths 404, a malformed request 400', async () => {
    const head = await rawExchange(port, 'HEAD / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    assert.match(head.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head.text, /content-length: 3\r\n/i);
    assert.ok(head.text.endsWith('\r\n\r\n'), 'no body after the head');
    const post = await rawExchange(port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi');
    assert.match(post.text, /^HTTP\/1\.1 405 /);
    assert.match(post.text, /allow: GET, HEAD\r\n/i);
    assert.equal((await get(`http://127.0.0.1:${port}/nope`)).status, 404);
    const bad = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(bad.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 200, 'the endpoint still serves');
  });

  test('/stats shows each check', async () => {
    const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body);
    const checks = Object.values(stats.listeners.probe.workers as Record<string, { checks: Record<string, { status: string; type: string }> }>)[0]!.checks;
    assert.equal(checks.app!.status, 'pass');
    assert.equal(checks.page!.type, 'http');
  });

  test('a reload answers from the new checks\' first results: no probe sees 503 meanwhile', async () => {
    const since = padda.logs().length;
    let probing = true;
    const statuses: number[] = [];
    const prober = (async () => {
      while (probing) statuses.push((await get(`http://127.0.0.1:${port}/`)).status);
    })();
    padda.writeConfig(config('400ms'));
    await padda.waitForLog(/listener reloaded/, since);
    await new Promise((resolve) => setTimeout(resolve, 300));
    probing = false;
    await prober;
    assert.ok(statuses.length > 10, `${statuses.length} probes`);
    assert.deepEqual([...new Set(statuses)], [200]);
  });
});
