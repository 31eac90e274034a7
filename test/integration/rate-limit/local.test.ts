/**
 * `rate_limit:` in a real padda in front of a real nginx: 429 with
 * Retry-After and the limit's fields, tiers for the book's anonymous and
 * registered users, a spoofed X-Forwarded-For that changes nothing from an
 * untrusted peer and names the client from a trusted one, and exactness
 * over 10 s at 100/s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

describe('rate_limit, local store', { timeout: 120_000 }, () => {
  let nginx: RunningServer;
  let padda: PaddaProcess;
  const port: Record<string, number> = {};
  const pools: Pool[] = [];

  before(async () => {
    const ports = await freePorts(7);
    const [admin, app] = ports as [number, number];
    for (const [i, name] of ['strict', 'spoofed', 'tiers', 'exact', 'trusted'].entries()) port[name] = ports[2 + i]!;
    nginx = await startNginx(`server { listen 127.0.0.1:${app}; keepalive_requests 100000; return 200 "$http_x_real_ip|$http_x_forwarded_for|$http_x_forwarded_proto"; }`);
    const listener = (name: string, rest: string) => `\n  ${name}:\n    mode: balance\n    listen: 127.0.0.1:${port[name]}\n    replicas: [http://127.0.0.1:${app}]\n${rest}`;
    padda = startPadda(`admin: { listen: 127.0.0.1:${admin} }\nlisteners:${[
      // Slow rates where a test counts single requests: a loaded machine must not refill a bucket between two of them.
      listener('strict', '    rate_limit: { rules: [{ name: per_ip, key: $remote_addr, rate: 2/s, burst: 5 }] }'),
      listener('spoofed', '    rate_limit: { rules: [{ name: per_ip, rate: 1/m, burst: 5 }] }'),
      listener('tiers', '    rate_limit:\n      rules:\n        - { name: users, rate: 2/m, burst: 2, tiers: [{ when: $cookie_session, rate: 10/m, burst: 50 }] }'),
      listener('exact', '    rate_limit: { rules: [{ name: flat, key: all, rate: 100/s, burst: 100 }] }'),
      listener('trusted', '    trusted_proxies: [127.0.0.1/32]\n    rate_limit: { rules: [{ name: per_ip, rate: 1/m, burst: 2 }] }'),
    ].join('')}\n`);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 30_000);
  });
  after(async () => {
    for (const pool of pools) await pool.close();
    await padda?.stop();
    await nginx?.stop();
  });

  function pool(name: string): Pool {
    const p = new Pool(`http://127.0.0.1:${port[name]}`, { connections: 8 });
    pools.push(p);
    return p;
  }

  async function send(p: Pool, headers: Record<string, string> = {}) {
    const res = await p.request({ path: '/', method: 'GET', headers });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  it('5 at once pass with the limit\'s fields counting down; the 6th gets 429 with Retry-After, and one interval later one more passes', async () => {
    const p = pool('strict');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(p));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 429]);
    assert.deepEqual(answers.slice(0, 5).map((a) => a.headers['x-ratelimit-remaining']), ['4', '3', '2', '1', '0']);
    const first = answers[0]!.headers;
    assert.equal(first['x-ratelimit-limit'], '2');
    assert.equal(first['ratelimit-policy'], '"per_ip";q=2;w=1');
    assert.match(String(first.ratelimit), /^"per_ip";r=4;t=1$/);
    const limited = answers[5]!;
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal(limited.headers['x-padda-error'], 'rate_limited');
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    assert.match(limited.body, /too many requests/);
    await sleep(600);
    assert.equal((await send(p)).status, 200);
  });

  it('a spoofed X-Forwarded-For from an untrusted peer changes nothing: every spoofed address shares the peer\'s bucket', async () => {
    const p = pool('spoofed');
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(p, { 'x-forwarded-for': `198.51.100.${i}` })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('from a trusted peer, X-Forwarded-For names the client: each has its own bucket, and the upstream sees it as X-Real-IP', async () => {
    const p = pool('trusted');
    for (const client of ['198.51.100.1', '198.51.100.2']) {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await send(p, { 'x-forwarded-for': client, 'x-forwarded-proto': 'https' }));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 429], client);
      assert.equal(answers[0]!.body, `${client}|${client}, 127.0.0.1|https`);
    }
  });

  it('tiers: anonymous users get 2 at once, users with a session cookie 50 each', async () => {
    const p = pool('tiers');
    const anonymous = [];
    for (let i = 0; i < 4; i++) anonymous.push((await send(p)).status);
    assert.deepEqual(anonymous, [200, 200, 429, 429]);
    const registered = await Promise.all(Array.from({ length: 50 }, () => send(p, { cookie: 'session=u1' })));
    assert.ok(registered.every((a) => a.status === 200));
    assert.equal((await send(p, { cookie: 'session=u1' })).status, 429);
    assert.equal((await send(p, { cookie: 'session=u2' })).status, 200, 'another user has a bucket of his own');
  });

  it('exact: 100/s, burst 100 (a loaded machine may stall padda for most of a second), under 4 clients asking as fast as they can for 10 s: within 2 % of rate × time + burst', async () => {
    const p = pool('exact');
    let admitted = 0;
    let limited = 0;
    // padda's first and last decisions happen somewhere between a request's sending and its answer: bound both ends.
    const firstSent = performance.now();
    let firstAnswered = 0;
    let lastSent = 0;
    let lastAnswered = 0;
    const answered: number[] = [];
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (performance.now() - firstSent < 10_000) {
        lastSent = performance.now();
        const answer = await send(p);
        lastAnswered = performance.now();
        firstAnswered ||= lastAnswered;
        answered.push(lastAnswered);
        if (answer.status === 200) admitted++;
        else if (answer.status === 429) limited++;
      }
    }));
    // A stall of the machine longer than the burst lasts (1 s) lets the bucket overflow: what it spilt is not owed.
    answered.sort((a, b) => a - b);
    let spilt = 0;
    for (let i = 1; i < answered.length; i++) spilt += Math.max(0, answered[i]! - answered[i - 1]! - 1000) / 10;
    const low = 100 * ((lastSent - firstAnswered) / 1000) + 100 - spilt;
    const high = 100 * ((lastAnswered - firstSent) / 1000) + 100;
    assert.ok(limited > 200, `only ${limited} were limited: the clients did not ask faster than the rate`);
    assert.ok(admitted >= low * 0.98 && admitted <= high * 1.02, `admitted ${admitted}, expected ${low.toFixed(0)}–${high.toFixed(0)} ± 2 % (${spilt.toFixed(0)} spilt in stalls)`);
  });
});
