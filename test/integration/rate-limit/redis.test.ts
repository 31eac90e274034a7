/**
 * `rate_limit: { store: redis://… }` against a real redis-server: two padda
 * processes sharing it admit at most the global limit + burst between them;
 * a Redis that is down, or that accepts and never answers, gets
 * on_store_error (allow: the request goes on; deny: 503) within the store
 * timeout, never a hang.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, startRedis, type RunningServer } from '../../support/servers.ts';
import { startSilentServer, type SilentServer } from '../../support/silent-server.ts';

describe('rate_limit, redis store', { timeout: 180_000 }, () => {
  let nginx: RunningServer;
  let redis: RunningServer;
  let silent: SilentServer;
  let counting: http.Server;
  let arrivals = 0;
  const paddas: PaddaProcess[] = [];
  const port: Record<string, number> = {};
  const pools: Pool[] = [];

  before(async () => {
    const ports = await freePorts(14);
    const app = ports[0]!;
    const closed = ports[1]!;
    for (const [i, name] of ['shared_a', 'shared_b', 'down_allow', 'down_deny', 'slow_allow', 'slow_deny', 'roomy', 'slow_gone'].entries()) port[name] = ports[2 + i]!;
    [redis, silent] = await Promise.all([startRedis(), startSilentServer()]);
    counting = http.createServer((_req, res) => {
      arrivals++;
      res.end('ok');
    }).listen(ports[13]!, '127.0.0.1');
    nginx = await startNginx(`server { listen 127.0.0.1:${app}; keepalive_requests 100000; return 200 "ok"; }`);
    const listener = (name: string, limit: string) => `\n  ${name}:\n    mode: balance\n    listen: 127.0.0.1:${port[name]}\n    replicas: [http://127.0.0.1:${app}]\n    rate_limit: ${limit}`;
    const shared = `{ store: "redis://127.0.0.1:${redis.port}", rules: [{ name: global, key: all, rate: 50/s, burst: 20 }] }`;
    const config = (admin: number, listeners: string[]) => `admin: { listen: 127.0.0.1:${admin} }\nlisteners:${listeners.join('')}\n`;
    const rule = 'rules: [{ name: r, key: all, rate: 1000/s, burst: 100 }]';
    paddas.push(startPadda(config(ports[11]!, [listener('shared_a', shared)])));
    paddas.push(startPadda(config(ports[12]!, [
      listener('shared_b', shared),
      listener('roomy', `{ store: "redis://127.0.0.1:${redis.port}", rules: [{ name: roomy, key: all, rate: 10/s, burst: 1000 }] }`),
      listener('down_allow', `{ store: "redis://127.0.0.1:${closed}", ${rule} }`),
      listener('down_deny', `{ store: "redis://127.0.0.1:${closed}", on_store_error: deny, ${rule} }`),
      listener('slow_allow', `{ store: "redis://127.0.0.1:${silent.port}", store_timeout: 100, ${rule} }`),
      listener('slow_gone', `{ store: "redis://127.0.0.1:${silent.port}", store_timeout: 1500, ${rule} }`).replace(`http://127.0.0.1:${app}`, `http://127.0.0.1:${ports[13]}`),
      listener('slow_deny', `{ store: "redis://127.0.0.1:${silent.port}", store_timeout: 100, on_store_error: deny, ${rule} }`),
    ])));
    await Promise.all([11, 12].map((i) => waitForStatus(`http://127.0.0.1:${ports[i]}/ready`, 200, 30_000)));
  });
  after(async () => {
    for (const pool of pools) await pool.close();
    for (const padda of paddas) await padda.stop();
    counting?.close();
    await Promise.all([nginx?.stop(), redis?.stop(), silent?.close()]);
  });

  function pool(name: string): Pool {
    const p = new Pool(`http://127.0.0.1:${port[name]}`, { connections: 4 });
    pools.push(p);
    return p;
  }

  it('two paddas sharing one redis-server admit at most 50/s × time + 20 between them, and not far below it', async (t) => {
    let admitted = 0;
    let limited = 0;
    const start = performance.now();
    let lastAnswered = start;
    await Promise.all(['shared_a', 'shared_b'].map(async (name) => {
      const p = pool(name);
      await Promise.all(Array.from({ length: 3 }, async () => {
        while (performance.now() - start < 5000) {
          const res = await p.request({ path: '/', method: 'GET' });
          await res.body.text();
          lastAnswered = performance.now();
          if (res.statusCode === 200) admitted++;
          else if (res.statusCode === 429) limited++;
          else assert.fail(`status ${res.statusCode}`);
        }
      }));
    }));
    const bound = 50 * ((lastAnswered - start) / 1000) + 20;
    t.diagnostic(`admitted ${admitted}, limited ${limited}, bound ${bound.toFixed(1)}`);
    assert.ok(limited > 100, `only ${limited} limited`);
    assert.ok(admitted <= bound, `admitted ${admitted} > ${bound.toFixed(0)}`);
    assert.ok(admitted >= 0.8 * bound, `admitted ${admitted}, far below ${bound.toFixed(0)}`);
  });

  it('a key far from its limit is decided locally: 300 requests cost far fewer than 300 scripts, and Redis still hears of every one', async () => {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    await client.connect();
    try {
      const scripts = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
      const before = await scripts();
      const p = pool('roomy');
      const begun = performance.now();
      let sent = 0;
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (sent++ < 300) {
          const res = await p.request({ path: '/', method: 'GET' });
          await res.body.text();
          assert.equal(res.statusCode, 200);
        }
      }));
      const calls = (await scripts()) - before;
      assert.ok(calls < 150, `${calls} scripts for 300 requests`);
      // Every request was charged in Redis: the key's TAT lies 300 intervals (100 ms each) past the first request, and expires then.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const ahead = await client.pttl('roomy:0:all');
      const elapsed = performance.now() - begun;
      assert.ok(ahead > 30_000 - elapsed - 200 && ahead <= 30_000 - elapsed + 200, `Redis's bucket ends ${ahead} ms ahead, ${elapsed.toFixed(0)} ms after the first of 300 requests`);
    } finally {
      client.disconnect();
    }
  });

  it('a client that leaves while the store decides is dropped: its request never reaches the upstream', async () => {
    const socket = net.connect(port.slow_gone!, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A reset, not a FIN: a half-closed HTTP/1 client still gets its answer.
    socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(arrivals, 0);
  });

  for (const [what, name] of [['down', 'down'], ['slow (accepts, never answers)', 'slow']] as const) {
    it(`redis ${what}: on_store_error allow lets requests through, deny answers 503, both within the store timeout`, async () => {
      for (const [mode, status] of [['allow', 200], ['deny', 503]] as const) {
        const p = pool(`${name}_${mode}`);
        for (let i = 0; i < 5; i++) {
          const begun = performance.now();
          const res = await p.request({ path: '/', method: 'GET' });
          const body = await res.body.text();
          assert.equal(res.statusCode, status, `${mode}: ${body}`);
          assert.ok(performance.now() - begun < 2000, `${mode} took ${(performance.now() - begun).toFixed(0)} ms`);
          if (status === 503) assert.equal(res.headers['x-padda-error'], 'rate_limit_store_unavailable');
        }
      }
    });
  }
});
