/**
 * The splitter with real requests: variant shares within ±1 percentage
 * point over 100k users, stickiness of 10k users by cookie and by header,
 * and a weight change by reload that moves only the users it must — all
 * through a real padda to nginx upstreams that answer their variant's name.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { namedBackends, sendAll, type Got } from '../../support/http-load.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

let nginx: RunningServer;
let padda: PaddaProcess;
let admin = 0;
let byHeader = 0;
let byCookie = 0;
let byIp = 0;
let web = 0;
let experiment = 0;

/** Three splitters over the same two variants, sticky by header, by IP and by cookie (the default). */
const config = (weights: [number, number]) => {
  const splitter = (name: string, port: number, sticky: string) => `
  ${name}:
    mode: split
    listen: 127.0.0.1:${port}${sticky ? `\n    sticky: ${sticky}` : ''}
    variants:
      - { name: web, upstream: http://127.0.0.1:${web}, weight: ${weights[0]} }
      - { name: experiment, upstream: http://127.0.0.1:${experiment}, weight: ${weights[1]} }`;
  return `
admin: { listen: 127.0.0.1:${admin} }
listeners:${splitter('by-header', byHeader, '{ by: header, name: x-user }')}${splitter('by-ip', byIp, '{ by: ip }')}${splitter('by-cookie', byCookie, '')}
`;
};

before(async () => {
  [admin, byHeader, byCookie, byIp, web, experiment] = (await freePorts(6)) as [number, number, number, number, number, number];
  nginx = await startNginx(namedBackends([['web', web], ['experiment', experiment]]));
  padda = startPadda(config([9, 1]));
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  await nginx?.stop();
});

const share = (answers: Got[], variant: string) => answers.filter((a) => a.body === variant).length / answers.length;
const users = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const cookieOf = (got: Got) => String(got.headers['set-cookie'] ?? '').split(';')[0]!;

describe('split 90/10', { timeout: 180_000 }, () => {
  test('100k users by header: experiment gets 10 % ± 1 point, web 90 % ± 1 point', async () => {
    const answers = await sendAll(byHeader, users(100_000, 'u').map((u) => ({ path: '/', headers: { 'x-user': u } })));
    assert.ok(answers.every((a) => a.status === 200));
    const exp = share(answers, 'experiment');
    assert.ok(Math.abs(exp - 0.1) <= 0.01, `experiment share ${exp}`);
    assert.ok(Math.abs(share(answers, 'web') - 0.9) <= 0.01);
  });

  test('10k users by header keep their variant request after request', async () => {
    const list = users(10_000, 'sticky');
    const first = await sendAll(byHeader, list.map((u) => ({ path: '/a', headers: { 'x-user': u } })));
    const again = await sendAll(byHeader, list.map((u) => ({ path: '/b?x=1', headers: { 'x-user': u } })));
    const moved = list.filter((_, i) => first[i]!.body !== again[i]!.body);
    assert.deepEqual(moved, []);
  });

  test('by ip: each of 200 client addresses (127.0.x.y) keeps its variant, and both variants get some', async () => {
    const addresses = Array.from({ length: 200 }, (_, i) => `127.0.${1 + (i >> 7)}.${2 + (i & 127)}`);
    const ask = (localAddress: string) => new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: byIp, path: '/', localAddress, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const first = await Promise.all(addresses.map(ask));
    const again = await Promise.all(addresses.map(ask));
    assert.deepEqual(again, first);
    assert.ok(first.includes('experiment') && first.includes('web'));
  });

  let cookies: string[] = [];
  let firstVariant: string[] = [];

  test('10k users by cookie: the first answer sets padda-variant=<variant>.<bucket>, later requests stay put and get no new cookie', async () => {
    const first = await sendAll(byCookie, Array.from({ length: 10_000 }, () => ({ path: '/' })));
    cookies = first.map(cookieOf);
    firstVariant = first.map((a) => a.body);
    first.forEach((a, i) => assert.match(cookies[i]!, new RegExp(`^padda-variant=${a.body}\\.\\d{1,4}$`)));
    const exp = share(first, 'experiment');
    assert.ok(Math.abs(exp - 0.1) <= 0.015, `experiment share ${exp} over 10k new users`);
    const again = await sendAll(byCookie, cookies.map((cookie) => ({ path: '/next', headers: { cookie: `other=1; ${cookie}` } })));
    assert.deepEqual(again.flatMap((a, i) => (a.body === firstVariant[i] ? [] : [i])), [], 'every user stays on their variant');
    assert.equal(again.filter((a) => a.headers['set-cookie'] !== undefined).length, 0, 'a matching cookie is not set again');
  });

  test('reload to 80/20 moves only web users to experiment, about a tenth of them, and rewrites just their cookies', async () => {
    const since = padda.logs().length;
    padda.writeConfig(config([8, 2]));
    await padda.waitForLog(/reload/i, since);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    const after80 = await sendAll(byCookie, cookies.map((cookie) => ({ path: '/', headers: { cookie } })));
    let toExperiment = 0;
    let toWeb = 0;
    after80.forEach((a, i) => {
      if (a.body === firstVariant[i]) {
        assert.equal(a.headers['set-cookie'], undefined);
        return;
      }
      if (a.body === 'experiment') toExperiment++;
      else toWeb++;
      assert.equal(cookieOf(a), cookies[i]!.replace('=web.', '=experiment.'), 'the moved user\'s cookie names the new variant, same bucket');
    });
    assert.equal(toWeb, 0, 'nobody moves from experiment to web when experiment grows');
    const webUsers = firstVariant.filter((v) => v === 'web').length;
    // Ideal: (90 − 80) / 90 ≈ 11.1 % of web users; the bucket table and 9k users add about a point of noise.
    assert.ok(toExperiment / webUsers > 0.09 && toExperiment / webUsers < 0.135, `${toExperiment} of ${webUsers} web users moved`);
    assert.ok(Math.abs(share(after80, 'experiment') - 0.2) <= 0.015);
  });
});
