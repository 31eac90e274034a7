import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../support/browser.ts';
import { getOnce } from '../support/load.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { startRedis, type RunningServer } from '../support/servers.ts';

/** A server name, a check's failure and a config problem that look like markup: the page must show them as text. */
const HOSTILE_SERVER = '<img/src=x/onerror=alert(1)>';
const HOSTILE_KEY = '<b>bogus</b>';
/** A listener name that looks like markup: the schema refuses it, and the page shows the refusal as text. */
const HOSTILE_LISTENER = '<i>web</i>';

/** The admin server's HTML status page, looked at in a real browser (Debian's chromium, headless). */
describe('status page in Chromium', () => {
  let redis: RunningServer;
  let padda: PaddaProcess;
  let browser: Chromium;
  let page: Page;
  let ports: { admin: number; app: number; cache: number; probe: number; dead: number };
  let config: string;

  before(async () => {
    redis = await startRedis();
    const [admin, app, cache, probe, dead] = (await freePorts(5)) as [number, number, number, number, number];
    ports = { admin, app, cache, probe, dead };
    config = `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app:
    mode: respond
    listen: 127.0.0.1:${app}
    body: hello
  cache:
    mode: redis
    listen: 127.0.0.1:${cache}
    backend_stats: true
    servers:
      - "127.0.0.1:${redis.port}:1 ${HOSTILE_SERVER}"
      - 127.0.0.1:${dead}:1 gone
  probe:
    mode: health
    listen: 127.0.0.1:${probe}
    interval: 200ms
    checks:
      app: { type: http, url: "http://127.0.0.1:${app}/", body: "<script>" }
      cache: { type: redis, address: "127.0.0.1:${redis.port}" }
`;
    padda = startPadda(config);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    // A reload whose problem names a key that looks like markup; the running config stays.
    const since = padda.logs().length;
    padda.writeConfig(`${config.replace('    body: hello', `    body: hello\n    "${HOSTILE_KEY}": 1`)}  "${HOSTILE_LISTENER}": { mode: respond, listen: 127.0.0.1:${dead} }\n`);
    await padda.waitForLog(/reload rejected/, since);
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await padda?.stop();
    await redis?.stop();
  });

  test('one table per listener, with its members, states and figures; nothing loaded from elsewhere', async () => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    for (let i = 0; i < 5; i++) await getOnce(ports.app);
    const response = await page.goto(`http://127.0.0.1:${ports.admin}/?refresh=0`);
    assert.equal(response?.status(), 200);
    assert.match(response!.headers()['content-security-policy']!, /default-src 'none'/);
    assert.deepEqual((await page.locator('section.listener caption .name').allTextContents()), ['app', 'cache', 'probe']);
    const app = page.locator('#listener-app tr.total td');
    assert.equal(await app.nth(1).textContent(), 'up');
    assert.ok(Number(await app.nth(3).textContent()) >= 5, 'requests counted');
    const servers = page.locator('#listener-cache tr.member');
    assert.equal(await servers.count(), 2);
    assert.match((await servers.nth(0).locator('td.detail').textContent())!, /^redis \d+\.\d+\.\d+ master · [\d.]+ (KiB|MiB) used$/);
    assert.equal(await servers.nth(1).locator('td.detail').textContent(), 'no answer to stats');
    const checks = page.locator('#listener-probe tr.member');
    assert.deepEqual(await checks.locator('td.state').allTextContents(), ['fail', 'pass']);
    assert.match((await page.locator('header .reload').textContent())!, /^invalid \(file change\) at \d{4}-\d\d-\d\dT/);
    assert.deepEqual(requests, [`http://127.0.0.1:${ports.admin}/?refresh=0`], 'the page loads nothing else');
  });

  test('names, check failures and config problems that look like markup are shown as text', async () => {
    await page.goto(`http://127.0.0.1:${ports.admin}/?refresh=0`);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('.problems b').count(), 0);
    assert.equal(await page.locator('.problems i').count(), 0);
    assert.equal(await page.locator('#listener-cache tr.member td.name').first().textContent(), `server 127.0.0.1:${redis.port}:1 ${HOSTILE_SERVER}`);
    assert.match((await page.locator('#listener-probe tr.member td.detail').first().textContent())!, /body does not match \/<script>\//);
    const problems = await page.locator('.problems li').allTextContents();
    assert.ok(problems.some((text) => text.includes(`unknown key "${HOSTILE_KEY}"`)), problems.join('\n'));
    assert.ok(problems.some((text) => text.includes(HOSTILE_LISTENER) && text.includes('listener names use letters')), problems.join('\n'));
  });

  test('it refreshes itself, and shows requests per second between views', async () => {
    await page.goto(`http://127.0.0.1:${ports.admin}/?refresh=1`);
    const first = await page.locator('header .meta').textContent();
    for (let i = 0; i < 40; i++) await getOnce(ports.app);
    // The meta refresh reloads the page; its generation time (in .meta) changes.
    const deadline = Date.now() + 10_000;
    while ((await page.locator('header .meta').textContent()) === first) {
      assert.ok(Date.now() < deadline, 'the page did not reload itself');
      await sleep(100);
    }
    const rate = Number(await page.locator('#listener-app tr.total td').nth(2).textContent());
    assert.ok(rate > 0, `req/s ${rate}`);
    // A still page for the picture: one that reloads itself every second can move under the screenshot.
    await page.goto(`http://127.0.0.1:${ports.admin}/?refresh=0`);
    await page.screenshot({ path: path.join(os.tmpdir(), 'padda-status-page.png'), fullPage: true });
  });

  test('/stats stays JSON', async () => {
    const stats = await get(`http://127.0.0.1:${ports.admin}/stats`);
    assert.equal(stats.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(stats.body).listeners.app.mode, 'respond');
  });
});
