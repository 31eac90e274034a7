/**
 * Mode `balance` against real nginx: the replicas are nginx servers (each a
 * process of its own, so one can be stopped) answering their own port, and
 * an nginx front balances over the same replicas with `upstream` round
 * robin and `hash $cookie_session consistent`, so padda's choices are
 * compared with nginx's request by request.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

describe('mode balance', { timeout: 180_000 }, () => {
  const replicas: RunningServer[] = [];
  let backends: number[] = [];
  let nginx: RunningServer;
  let padda: PaddaProcess;
  let slow: http.Server;
  let admin = 0;
  let front = 0;
  const port: Record<string, number> = {};

  before(async () => {
    const ports = await freePorts(12);
    [admin, front] = ports as [number, number];
    backends = ports.slice(2, 5);
    const slowPort = ports[5]!;
    for (const [i, name] of ['rr', 'wrr', 'lr', 'lr_slow', 'ring', 'ring_down'].entries()) port[name] = ports[6 + i]!;
    for (const p of backends) replicas.push(await startNginx(`server { listen 127.0.0.1:${p}; keepalive_requests 100000; return 200 "${p}"; }`));
    slow = http.createServer((_req, res) => setTimeout(() => res.end(String(slowPort)), 150)).listen(slowPort, '127.0.0.1');
    const servers = (weights: readonly number[]) => weights.map((w, i) => `  server 127.0.0.1:${backends[i]} weight=${w};`).join('\n');
    nginx = await startNginx([
      `upstream wrr {\n${servers([5, 1, 1])}\n  keepalive 8;\n}`,
      `upstream ring {\n  hash $cookie_session consistent;\n${servers([2, 1, 1])}\n  keepalive 8;\n}`,
      `server {`, `  listen 127.0.0.1:${front};`, '  keepalive_requests 100000;',
      '  proxy_http_version 1.1;', '  proxy_set_header Connection "";',
      '  location /wrr/ { proxy_pass http://wrr; }', '  location /ring/ { proxy_pass http://ring; }', '}',
    ].join('\n'));
    const url = (i: number) => `http://127.0.0.1:${backends[i]}`;
    const listener = (name: string, body: string) => `\n  ${name}:\n    mode: balance\n    listen: 127.0.0.1:${port[name]}\n${body}`;
    padda = startPadda(`admin: { listen: 127.0.0.1:${admin} }\nlisteners:${[
      listener('rr', `    policy: round_robin\n    replicas: [${url(0)}, ${url(1)}, ${url(2)}]`),
      listener('wrr', `    policy: round_robin\n    replicas: [{ address: ${url(0)}, weight: 5 }, ${url(1)}, ${url(2)}]`),
      listener('lr', `    replicas: [{ address: ${url(0)}, weight: 3 }, ${url(1)}]`),
      listener('lr_slow', `    policy: least_request\n    replicas: [${url(0)}, http://127.0.0.1:${slowPort}]`),
      listener('ring', `    policy: ring_hash\n    key: $cookie_session\n    replicas: [{ address: ${url(0)}, weight: 2 }, ${url(1)}, ${url(2)}]`),
      listener('ring_down', `    policy: ring_hash\n    key: $cookie_session\n    eject: { failures: 1, time: 60s }\n    replicas: [${url(0)}, ${url(1)}, ${url(2)}]`),
    ].join('')}\n`);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 30_000);
  });
  after(async () => {
    await padda?.stop();
    await nginx?.stop();
    for (const r of replicas) await r.stop();
    slow?.close();
  });

  /** The answering replica's port for each request, sent one after another on one connection. */
  async function sequence(to: number, count: number, path = '/', cookie?: (i: number) => string): Promise<number[]> {
    const pool = new Pool(`http://127.0.0.1:${to}`, { connections: 1 });
    try {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const res = await pool.request({ path, method: 'GET', headers: cookie ? { cookie: cookie(i) } : {} });
        assert.equal(res.statusCode, 200);
        out.push(Number(await res.body.text()));
      }
      return out;
    } finally {
      await pool.close();
    }
  }

  const tally = (ports: number[]) => ports.reduce((m, p) => m.set(p, (m.get(p) ?? 0) + 1), new Map<number, number>());

  it('round_robin with equal weights takes turns: 300 requests, 100 each, in a fixed cycle', async () => {
    const got = await sequence(port.rr!, 300);
    assert.deepEqual([...tally(got).values()], [100, 100, 100]);
    for (let i = 3; i < got.length; i++) assert.equal(got[i], got[i - 3]);
  });

  it('weighted round_robin interleaves 5:1:1 in the same order as nginx upstream round robin', async () => {
    const [viaNginx, viaPadda] = await Promise.all([sequence(front, 70, '/wrr/'), sequence(port.wrr!, 70)]);
    assert.deepEqual(viaPadda, viaNginx);
    assert.deepEqual(tally(viaPadda).get(backends[0]!), 50);
  });

  it('least_request shares sequential requests by weight (3:1 within 3 points)', async () => {
    const got = await sequence(port.lr!, 2000);
    const share = (tally(got).get(backends[0]!) ?? 0) / got.length;
    assert.ok(Math.abs(share - 0.75) < 0.03, `share of the weight-3 replica ${share}`);
  });

  it('least_request keeps concurrent requests off a slow replica (round robin would send it half)', async () => {
    const pool = new Pool(`http://127.0.0.1:${port.lr_slow}`, { connections: 16 });
    const got: number[] = [];
    const until = Date.now() + 1500;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (Date.now() < until) {
        const res = await pool.request({ path: '/', method: 'GET' });
        got.push(Number(await res.body.text()));
      }
    }));
    await pool.close();
    const slowShare = got.filter((p) => !backends.includes(p)).length / got.length;
    assert.ok(got.length > 200, `only ${got.length} requests`);
    assert.ok(slowShare < 0.2, `the slow replica took ${(slowShare * 100).toFixed(1)} % of ${got.length}`);
  });

  const session = (i: number) => `session=s${i * 7919}`;

  it('ring_hash sends 2000 sessions where nginx `hash $cookie_session consistent` does, weights included', async () => {
    const [viaNginx, viaPadda] = await Promise.all([sequence(front, 2000, '/ring/', session), sequence(port.ring!, 2000, '/', session)]);
    const wrong = viaPadda.flatMap((p, i) => (p === viaNginx[i] ? [] : [`${session(i)}: nginx ${viaNginx[i]}, padda ${p}`]));
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of 2000 differ`);
    assert.equal(tally(viaPadda).size, 3);
  });

  it('ring_hash: a replica that stops is ejected, only its own sessions move, and no client sees an error', async () => {
    const before = await sequence(port.ring_down!, 600, '/', session);
    await replicas[1]!.stop();
    const afterStop = await sequence(port.ring_down!, 600, '/', session);
    const moved = before.flatMap((p, i) => (p === afterStop[i] ? [] : [i]));
    assert.ok(moved.length > 100, `only ${moved.length} sessions moved`);
    for (const i of moved) assert.equal(before[i], backends[1], `session ${i} moved from a replica that is up`);
    assert.ok(!afterStop.includes(backends[1]!));
    const stats = await (await fetch(`http://127.0.0.1:${admin}/stats`)).json() as { listeners: Record<string, { workers: Record<string, { replicas: { replica: string; ejected: boolean }[] }> }> };
    const worker = Object.values(stats.listeners.ring_down!.workers)[0]!;
    assert.deepEqual(worker.replicas.map((r) => r.ejected), [false, true, false]);
  });
});
