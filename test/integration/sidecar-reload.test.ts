/**
 * Reloading a TLS sidecar under traffic: the new handler takes the same
 * port (and its redirect port) while the old one drains, so no request
 * fails; a reload naming a certificate that cannot be served is refused and
 * the running listener keeps serving.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCa, issue, type Issued, type TestCa } from '../support/certs.ts';
import { curl } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

let dir: string;
let ca: TestCa;
let pair: Issued;
let app: TestApp;
let padda: PaddaProcess;
let admin: number;
let port: number;
let redirect: number;

const config = (extra: string, cert = pair.cert) => `
admin: { listen: 127.0.0.1:${admin} }
drain_timeout: 5s
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:${port}
    upstream: http://127.0.0.1:${app.port}
    redirect_http: 127.0.0.1:${redirect}
    tls: { cert: ${cert}, key: ${pair.key} }
${extra}`;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-reload-'));
  ca = createCa(dir);
  pair = issue(ca, { names: ['localhost', '127.0.0.1'], file: 'server' });
  app = await startTestApp();
  [admin, port, redirect] = (await freePorts(3)) as [number, number, number];
  padda = startPadda(config(''));
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda.stop();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Keep-alive HTTPS requests in a loop until stopped; counts answers and failures. */
function load(concurrency: number) {
  const agent = new https.Agent({ keepAlive: true, ca: fs.readFileSync(ca.cert), servername: 'localhost' });
  const result = { ok: 0, failed: [] as string[], hadRequestId: new Set<boolean>() };
  let running = true;
  const one = () => new Promise<void>((resolve) => {
    https.get({ host: '127.0.0.1', port, path: '/echo', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        if (res.statusCode === 200) {
          result.ok++;
          result.hadRequestId.add((JSON.parse(text) as { headers: Record<string, string> }).headers['x-request-id'] !== undefined);
        } else result.failed.push(`${res.statusCode}`);
        resolve();
      });
    }).on('error', (error) => {
      result.failed.push(error.message);
      resolve();
    });
  });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) await one();
  });
  return {
    result,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}

test('a reload under keep-alive HTTPS traffic fails no request; the redirect port stays up', async () => {
  const traffic = load(8);
  await sleep(300);
  const since = padda.logs().length;
  padda.writeConfig(config('    request_id: false'));
  await padda.waitForLog(/^config reloaded$/, since);
  const redirected = await curl(['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${redirect}/`]);
  await sleep(500);
  const { ok, failed, hadRequestId } = await traffic.stop();
  assert.deepEqual(failed, []);
  assert.ok(ok > 20, `only ${ok} requests`);
  assert.deepEqual([...hadRequestId].sort(), [false, true], 'requests were served by the old handler (x-request-id added), then the new (request_id: false)');
  assert.equal(redirected.stdout, '308');
});

test('a reload naming an unusable certificate is refused and the listener keeps serving', async () => {
  const since = padda.logs().length;
  padda.writeConfig(config('    request_id: false', path.join(dir, 'missing.crt')));
  const line = await padda.waitForLog(/reload failed/, since);
  assert.match(String(line.err), /cannot read certificate .*missing\.crt: ENOENT/);
  const response = await curl(['--cacert', ca.cert, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/echo`]);
  assert.equal(response.code, 0, response.stderr);
});
