/**
 * The splitter's bad input and faults with a real padda: forged, unknown
 * and malformed cookies, a variant whose replicas are all down, a reload
 * that removes a variant under traffic, and configs it must refuse.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { curl } from '../../support/clients.ts';
import { namedBackends, sendAll } from '../../support/http-load.ts';
import { runLoad } from '../../support/load.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

let nginx: RunningServer;
let padda: PaddaProcess;
let admin = 0;
let split = 0;
let web = 0;
let exp = 0;
let third = 0;
let closed = 0;
let cookieApp = 0;
let cookies = 0;

const config = (variants: string) => `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  split:
    mode: split
    listen: 127.0.0.1:${split}
    eject: { failures: 2, time: 30s }
    variants:
${variants}
  cookies:
    mode: split
    listen: 127.0.0.1:${cookies}
    variants: [{ name: web, upstream: http://127.0.0.1:${cookieApp} }]
`;
before(async () => {
  [admin, split, web, exp, third, closed, cookieApp, cookies] = (await freePorts(8)) as [number, number, number, number, number, number, number, number];
  nginx = await startNginx(`${namedBackends([['web', web], ['experiment', exp], ['third', third]])}
server { listen 127.0.0.1:${cookieApp}; add_header Set-Cookie "app=1; Path=/"; add_header Set-Cookie "theme=dark"; return 200 "web"; }`);
  padda = startPadda(config(variants(['web', web, 5], ['experiment', exp, 3], ['third', third, 2])));
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  await nginx?.stop();
});

function variants(...list: Array<[string, number, number]>): string {
  return list.map(([name, port, weight]) => `      - { name: ${name}, upstream: http://127.0.0.1:${port}, weight: ${weight} }`).join('\n');
}

/** A bucket whose variant is `variant` under the running table: found by asking padda with bucket cookies. */
async function bucketOf(variant: string): Promise<number> {
  for (let bucket = 0; bucket < 10_000; bucket += 97) {
    const answer = await request(`http://127.0.0.1:${split}/`, { headers: { cookie: `padda-variant=x.${bucket}` } });
    if ((await answer.body.text()) === variant) return bucket;
  }
  throw new Error(`no bucket for ${variant}`);
}

describe('cookies a client should not have sent', () => {
  test('a forged variant name does not pick the variant: the bucket decides, and the cookie is rewritten', async () => {
    const bucket = await bucketOf('web');
    const answer = await request(`http://127.0.0.1:${split}/`, { headers: { cookie: `padda-variant=experiment.${bucket}` } });
    assert.equal(await answer.body.text(), 'web');
    assert.match(String(answer.headers['set-cookie']), new RegExp(`^padda-variant=web\\.${bucket};`));
  });

  test('unknown names, garbage and out-of-range buckets get a fresh assignment, never an error', async () => {
    for (const value of ['nosuchvariant', 'ghost.', '.12', 'web.10000', 'web.-1', 'web.1.2e3', '%00%ff', 'a'.repeat(5000)]) {
      const answer = await request(`http://127.0.0.1:${split}/`, { headers: { cookie: `padda-variant=${value}` } });
      assert.equal(answer.statusCode, 200, value);
      assert.match(await answer.body.text(), /^(web|experiment|third)$/);
      assert.match(String(answer.headers['set-cookie']), /^padda-variant=(web|experiment|third)\.\d{1,4}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/, value);
    }
  });

  test('the app\'s own Set-Cookie headers are kept next to padda\'s', async () => {
    const result = await curl(['-s', '-i', `http://127.0.0.1:${cookies}/`]);
    // Field names keep the app's case (as nginx passes them); padda's own are lower case.
    const set = result.stdout.match(/^set-cookie: .*$/gim)!.map((line) => line.trim().replace(/^set-cookie/i, 'set-cookie'));
    assert.deepEqual(set.map((line) => line.split(';')[0]), ['set-cookie: app=1', 'set-cookie: theme=dark', `set-cookie: padda-variant=web.${/padda-variant=web\.(\d+)/.exec(result.stdout)![1]}`]);
  });
});

describe('a variant whose replicas are all down', () => {
  test('its users are served by the heaviest variant that is up, and /stats says it is down', async () => {
    const thirdBucket = await bucketOf('third');
    // Reload with `third` pointing at a port nobody listens on.
    const since = padda.logs().length;
    padda.writeConfig(config(variants(['web', web, 5], ['experiment', exp, 3], ['third', closed, 2])));
    await padda.waitForLog(/reload/i, since);
    const answers = await sendAll(split, Array.from({ length: 300 }, () => ({ path: '/' })), 4);
    const failed = answers.filter((a) => a.status !== 200);
    // Two failures eject the one replica; until then a retry cannot help (one replica), so at most two 502s.
    assert.ok(failed.length <= 2, `${failed.length} failed`);
    assert.ok(answers.filter((a) => a.body === 'third').length === 0);
    // A user of `third` gets web (weight 5, the heaviest), and keeps the cookie naming `third` for when it is back.
    // (A new connection: one kept alive from before the reload would still be served by the draining handler.)
    const [user] = await sendAll(split, [{ path: '/', headers: { cookie: `padda-variant=third.${thirdBucket}` } }], 1);
    assert.equal(user!.body, 'web');
    assert.equal(user!.headers['set-cookie'], undefined);
    const stats = JSON.parse((await request(`http://127.0.0.1:${admin}/stats`).then((r) => r.body.text()))).listeners.split.workers.main;
    const row = stats.variants.find((v: any) => v.variant === 'third');
    assert.equal(row.available, false);
  });
});

describe('reload under traffic', () => {
  test('removing a variant mid-traffic fails no request, and its users move to the others', async () => {
    const since = padda.logs().length;
    padda.writeConfig(config(variants(['web', web, 5], ['experiment', exp, 3], ['third', third, 2])));
    await padda.waitForLog(/reload/i, since);
    const load = runLoad(split, 8, (status, body) => status === 200 && /^(web|experiment|third)$/.test(body));
    await new Promise((r) => setTimeout(r, 300));
    const removed = padda.logs().length;
    padda.writeConfig(config(variants(['web', web, 5], ['experiment', exp, 3])));
    await padda.waitForLog(/reload/i, removed);
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    assert.deepEqual(result.errors, []);
    assert.ok(result.ok > 50, `${result.ok} requests`);
    const after = await sendAll(split, Array.from({ length: 200 }, () => ({ path: '/', headers: { cookie: 'padda-variant=third.1234' } })));
    assert.ok(after.every((a) => a.status === 200 && a.body !== 'third'));
  });
});

describe('configs padda refuses', () => {
  const check = async (yaml: string) => {
    const { spawnSync } = await import('node:child_process');
    const fs = await import('node:fs');
    const file = `${padda.dir}/bad.yaml`;
    fs.writeFileSync(file, yaml);
    const result = spawnSync(process.execPath, [new URL('../../../bin/padda', import.meta.url).pathname, 'check', '--config', file], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    return result.stderr + result.stdout;
  };

  test('malformed keys: header stickiness without a name, upstream and replicas together, a name that cannot be a cookie, a fraction above 1', async () => {
    const output = await check(`
listeners:
  s:
    mode: split
    listen: 127.0.0.1:1
    sticky: { by: header }
    variants:
      - { name: a, upstream: http://127.0.0.1:3, replicas: [http://127.0.0.1:4] }
      - { name: "b c", upstream: http://127.0.0.1:2 }
    mirror: { to: a, fraction: 2 }
`);
    for (const problem of [/sticky\.name: by: header needs the header name/, /variants\[0\]: give a variant either upstream or replicas/, /variants\[1\]\.name: letters, digits/, /mirror\.fraction: Too big/]) {
      assert.match(output, problem);
    }
  });

  test('inconsistent variants: duplicate names, no positive weight, a mirror target that is neither a variant nor an upstream', async () => {
    const output = await check(`
listeners:
  s:
    mode: split
    listen: 127.0.0.1:1
    variants:
      - { name: a, upstream: http://127.0.0.1:2, weight: 0 }
      - { name: a, upstream: "ftp://x", weight: 0 }
    mirror: { to: "nowhere:x" }
`);
    for (const problem of [/two variants are named "a"/, /upstream scheme must be http or https/, /at least one variant needs a weight above 0/, /mirror\.to: not a variant name/]) {
      assert.match(output, problem);
    }
  });
});
