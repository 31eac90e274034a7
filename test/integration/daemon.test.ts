import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getOnce, runLoad } from '../support/load.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

function config(ports: { admin: number; front: number; a: number; b: number }, body = 'v1', extra = ''): string {
  return `
admin: { listen: 127.0.0.1:${ports.admin} }
drain_timeout: 5s
listeners:
  front:
    mode: tcp
    listen: 127.0.0.1:${ports.front}
    upstreams: [127.0.0.1:${ports.a}, 127.0.0.1:${ports.b}]
  a:
    mode: respond
    listen: 127.0.0.1:${ports.a}
    body: "${body}-a"
  b:
    mode: respond
    listen: 127.0.0.1:${ports.b}
    body: "${body}-b"
${extra}`;
}

describe('daemon lifecycle', () => {
  let padda: PaddaProcess;
  let ports: { admin: number; front: number; a: number; b: number; extra: number };

  before(async () => {
    const [admin, front, a, b, extra] = await freePorts(5);
    ports = { admin: admin!, front: front!, a: a!, b: b!, extra: extra! };
    padda = startPadda(config(ports));
    await waitForStatus(`http://127.0.0.1:${ports.admin}/ready`);
  });
  after(() => padda.stop());

  test('serves through the tcp listener round-robin', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await getOnce(ports.front)).body);
    assert.deepEqual([...bodies].sort(), ['v1-a', 'v1-b']);
  });

  test('admin endpoints answer', async () => {
    assert.equal((await get(`http://127.0.0.1:${ports.admin}/healthz`)).body, 'ok\n');
    assert.equal((await get(`http://127.0.0.1:${ports.admin}/ready`)).status, 200);
    const stats = JSON.parse((await get(`http://127.0.0.1:${ports.admin}/stats`)).body);
    assert.equal(stats.listeners.front.mode, 'tcp');
    assert.ok(stats.listeners.front.requests_total >= 4);
    const shown = JSON.parse((await get(`http://127.0.0.1:${ports.admin}/config`)).body);
    assert.equal(shown.listeners.front.listen, `127.0.0.1:${ports.front}`);
    assert.equal((await get(`http://127.0.0.1:${ports.admin}/nope`)).status, 404);
  });

  test('/metrics is valid Prometheus exposition (promtool) with per-listener series', async () => {
    const { body, headers } = await get(`http://127.0.0.1:${ports.admin}/metrics`);
    assert.match(String(headers['content-type']), /^text\/plain; version=0\.0\.4/);
    // promtool is Prometheus's own parser; it exits non-zero on any syntax error.
    const lint = execFileSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(lint.trim(), '', `promtool lint findings:\n${lint}`);
    assert.match(body, /^padda_listener_requests_total\{listener="front",mode="tcp"\} \d+$/m);
    assert.match(body, /^padda_listener_request_duration_seconds_bucket\{listener="a",mode="respond",le="\+Inf"\} \d+$/m);
  });

  test('an invalid reload is rejected with positioned problems and the old config keeps serving', async () => {
    const since = padda.logs().length;
    padda.writeConfig(config(ports).replace('mode: tcp', 'mode: tcp\n    bogus_key: 1'));
    const rejected = await padda.waitForLog(/^config rejected: .*padda\.yaml:7:5 listeners\.front\.bogus_key: unknown key/, since);
    assert.ok(rejected);
    await padda.waitForLog(/reload rejected; still serving the previous config/, since);
    assert.equal((await getOnce(ports.a)).body, 'v1-a');
    assert.equal((await get(`http://127.0.0.1:${ports.admin}/ready`)).status, 200);
    const stats = JSON.parse((await get(`http://127.0.0.1:${ports.admin}/stats`)).body);
    assert.equal(stats.last_reload.result, 'invalid');
  });

  test('a file change reloads: listeners added, changed and removed; unchanged ones keep their connections', async () => {
    // A keep-alive connection to the unchanged listener "b" must survive the reload.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const viaAgent = () => new Promise<string>((resolve, reject) => {
      http.get({ port: ports.b, host: '127.0.0.1', agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c)).on('end', () => resolve(body));
      }).on('error', reject);
    });
    assert.equal(await viaAgent(), 'v1-b');
    const socketBefore = Object.values(agent.freeSockets)[0]?.[0];
    assert.ok(socketBefore);

    const since = padda.logs().length;
    const next = config(ports).replace('body: "v1-a"', 'body: "v2-a"') +
      `  extra:\n    mode: respond\n    listen: 127.0.0.1:${ports.extra}\n    status: 204\n`;
    padda.writeConfig(next);
    await padda.waitForLog(/^config reloaded$/, since);
    assert.equal((await getOnce(ports.a)).body, 'v2-a');
    assert.equal((await getOnce(ports.extra)).status, 204);
    assert.equal(await viaAgent(), 'v1-b');
    assert.equal(Object.values(agent.freeSockets)[0]?.[0], socketBefore, 'keep-alive socket to an unchanged listener was replaced');
    agent.destroy();

    const since2 = padda.logs().length;
    padda.writeConfig(config(ports).replace('body: "v1-a"', 'body: "v2-a"'));
    await padda.waitForLog(/^config reloaded$/, since2);
    await assert.rejects(getOnce(ports.extra), /ECONNREFUSED/);
  });

  test('ten SIGHUP reloads of a changing config under continuous traffic fail no request', async () => {
    const load = runLoad(ports.front, 8, (status, body) => status === 200 && /^v\d+-[ab]$/.test(body));
    let result: Awaited<ReturnType<typeof load.stop>>;
    try {
      await sleep(200);
      for (let round = 3; round < 13; round++) {
        const since = padda.logs().length;
        // Every round changes both the tcp listener (upstream order) and the respond bodies.
        const text = config(ports, `v${round}`).replace(
          `upstreams: [127.0.0.1:${ports.a}, 127.0.0.1:${ports.b}]`,
          round % 2 ? `upstreams: [127.0.0.1:${ports.b}, 127.0.0.1:${ports.a}]` : `upstreams: [127.0.0.1:${ports.a}, 127.0.0.1:${ports.b}]`,
        );
        fs.writeFileSync(padda.configPath, text);
        padda.signal('SIGHUP');
        await padda.waitForLog(/^config reloaded$/, since);
        await sleep(100);
      }
    } finally {
      // A failed wait must not leave the load running: it would keep the test process alive.
      result = await load.stop();
    }
    assert.equal(result.failed, 0, result.errors.join('\n'));
    assert.ok(result.ok > 100, `only ${result.ok} requests went through`);
    assert.equal((await getOnce(ports.front)).body.startsWith('v12-'), true);
  });
});

describe('faults', () => {
  test('a port already in use: the rest serves, /ready says why, and it binds once the port frees', async () => {
    const [admin, taken, free] = await freePorts(3);
    const blocker = net.createServer().listen(taken, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  blocked: { mode: respond, listen: 127.0.0.1:${taken}, body: late }
  fine: { mode: respond, listen: 127.0.0.1:${free}, body: fine }
`);
    try {
      await waitForStatus(`http://127.0.0.1:${admin}/healthz`);
      assert.equal((await getOnce(free!)).body, 'fine');
      const ready = await get(`http://127.0.0.1:${admin}/ready`);
      assert.equal(ready.status, 503);
      assert.match(ready.body, new RegExp(`listener blocked: cannot listen on 127\\.0\\.0\\.1:${taken}: EADDRINUSE`));
      await new Promise((resolve) => blocker.close(resolve));
      await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 15_000);
      assert.equal((await getOnce(taken!)).body, 'late');
    } finally {
      blocker.close();
      await padda.stop();
    }
  });

  test('a reload that moves a listener to a port in use fails, and the listener keeps serving where it was', async () => {
    const [admin, here, taken] = await freePorts(3);
    const blocker = net.createServer().listen(taken, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const config = (port: number, body: string) => `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app: { mode: respond, listen: 127.0.0.1:${port}, body: ${body} }
`;
    const padda = startPadda(config(here!, 'before'));
    try {
      await waitForStatus(`http://127.0.0.1:${admin}/ready`);
      const since = padda.logs().length;
      padda.writeConfig(config(taken!, 'after'));
      const failed = await padda.waitForLog(/^reload failed; still serving the previous config$/, since);
      assert.match(String(failed.err), new RegExp(`listener app: cannot listen on 127\\.0\\.0\\.1:${taken}: EADDRINUSE`));
      assert.equal((await getOnce(here!)).body, 'before');
      assert.equal((await get(`http://127.0.0.1:${admin}/ready`)).status, 200);
      const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body);
      assert.equal(stats.last_reload.result, 'failed');
    } finally {
      blocker.close();
      await padda.stop();
    }
  });

  test('a reload that moves the admin server to a port in use fails, and the admin server stays where it was', async () => {
    const [admin, app, taken] = await freePorts(3);
    const blocker = net.createServer().listen(taken, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const config = (adminPort: number) => `
admin: { listen: 127.0.0.1:${adminPort} }
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: ok }
`;
    const padda = startPadda(config(admin!));
    try {
      await waitForStatus(`http://127.0.0.1:${admin}/ready`);
      const since = padda.logs().length;
      padda.writeConfig(config(taken!));
      const failed = await padda.waitForLog(/^reload failed; still serving the previous config$/, since);
      assert.match(String(failed.err), new RegExp(`admin server cannot listen on 127\\.0\\.0\\.1:${taken}`));
      assert.equal((await get(`http://127.0.0.1:${admin}/healthz`)).status, 200);
      assert.equal(JSON.parse((await get(`http://127.0.0.1:${admin}/config`)).body).admin.listen, `127.0.0.1:${admin}`);
    } finally {
      blocker.close();
      await padda.stop();
    }
  });

  test('an upstream that refuses is skipped; when all refuse the client is closed and counted', async () => {
    const [admin, front, dead, alive] = await freePorts(4);
    const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  front: { mode: tcp, listen: 127.0.0.1:${front}, upstreams: [127.0.0.1:${dead}, 127.0.0.1:${alive}] }
  alive: { mode: respond, listen: 127.0.0.1:${alive}, body: alive }
`);
    try {
      await waitForStatus(`http://127.0.0.1:${admin}/ready`);
      for (let i = 0; i < 4; i++) assert.equal((await getOnce(front!)).body, 'alive');
      const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
      assert.match(metrics, /padda_listener_errors_total\{listener="front",mode="tcp",reason="upstream_econnrefused"\} 2/);
      const since = padda.logs().length;
      padda.writeConfig(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  front: { mode: tcp, listen: 127.0.0.1:${front}, upstreams: [127.0.0.1:${dead}] }
`);
      await padda.waitForLog(/^config reloaded$/, since);
      await assert.rejects(getOnce(front!), /socket hang up|ECONNRESET/);
      assert.equal((await get(`http://127.0.0.1:${admin}/healthz`)).status, 200);
    } finally {
      await padda.stop();
    }
  });

  test('SIGTERM under load: every in-flight request completes, then exit 0', async () => {
    const [admin, front] = await freePorts(2);
    // A slow upstream keeps requests in flight while the stop begins.
    const slow = http.createServer((req, res) => setTimeout(() => res.end(`done ${req.url}`), 400));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowPort = (slow.address() as net.AddressInfo).port;
    const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
drain_timeout: 10s
listeners:
  front: { mode: tcp, listen: 127.0.0.1:${front}, upstreams: [127.0.0.1:${slowPort}] }
`);
    try {
      await waitForStatus(`http://127.0.0.1:${admin}/ready`);
      const inflight = Array.from({ length: 50 }, (_, i) => getOnce(front!, `/${i}`));
      await sleep(150);
      padda.signal('SIGTERM');
      const results = await Promise.allSettled(inflight);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 0, JSON.stringify(failed.slice(0, 3)));
      results.forEach((r, i) => assert.equal((r as PromiseFulfilledResult<{ body: string }>).value.body, `done /${i}`));
      assert.deepEqual(await padda.exited, { code: 0, signal: null });
      await assert.rejects(getOnce(front!), /ECONNREFUSED/);
    } finally {
      slow.close();
      await padda.stop();
    }
  });

  test('clients that disconnect mid-stream affect nobody else: a steady client\'s stream arrives intact', async () => {
    const [admin, front] = await freePorts(2);
    // The upstream echoes every byte back, so both directions are busy when a client vanishes.
    const echo = net.createServer({ allowHalfOpen: true }, (socket) => socket.on('error', () => {}).pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  front: { mode: tcp, listen: 127.0.0.1:${front}, upstreams: [127.0.0.1:${(echo.address() as net.AddressInfo).port}] }
`);
    try {
      await waitForStatus(`http://127.0.0.1:${admin}/ready`);
      const steady = net.connect(front!, '127.0.0.1');
      await new Promise((resolve) => steady.once('connect', resolve));
      const payload = Buffer.alloc(8 * 1024 * 1024);
      for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
      const echoed: Buffer[] = [];
      let echoedBytes = 0;
      const steadyDone = new Promise<void>((resolve) =>
        steady.on('data', (chunk: Buffer) => {
          echoed.push(chunk);
          echoedBytes += chunk.length;
          if (echoedBytes >= payload.length) resolve();
        }),
      );
      steady.write(payload);
      for (let i = 0; i < 20; i++) {
        const client = net.connect(front!, '127.0.0.1');
        await new Promise((resolve) => client.once('connect', resolve));
        client.write(Buffer.alloc(64 * 1024, 1));
        client.destroy();
      }
      await steadyDone;
      assert.ok(Buffer.concat(echoed).equals(payload), 'the steady client\'s echo was corrupted or cut');
      steady.destroy();
      await sleep(200);
      const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body);
      assert.equal(stats.listeners.front.connections_active, 0);
      assert.equal(padda.child.exitCode, null);
    } finally {
      echo.close();
      await padda.stop();
    }
  });
});

