/**
 * `format: combined` against nginx itself: padda (a sidecar logging
 * combined) in front of nginx (logging combined), the same requests through
 * both, and each of padda's lines equal to nginx's byte for byte but for the
 * time stamp, which the two stamp a moment apart: escapes of hostile
 * user agents and referers included.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { rawExchange } from '../../support/clients.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

let nginx: RunningServer;
let padda: PaddaProcess;
let dir: string;
let nginxLog: string;
let paddaLog: string;
let port: { nginx: number; padda: number; admin: number };

before(async () => {
  const [nginxPort, paddaPort, admin] = (await freePorts(3)) as [number, number, number];
  port = { nginx: nginxPort, padda: paddaPort, admin };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-combined-'));
  nginxLog = path.join(dir, 'nginx.log');
  paddaLog = path.join(dir, 'padda.log');
  nginx = await startNginx(`server {
    listen 127.0.0.1:${nginxPort};
    access_log ${nginxLog} combined;
    location = /missing { return 404 "not here"; }
    location / { return 200 "twelve bytes"; }
  }`);
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:${paddaPort}
    upstream: http://127.0.0.1:${nginxPort}
    access_log: { path: ${paddaLog}, format: combined }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await nginx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function lines(file: string, count: number): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '';
    const found = text.split('\n').slice(0, -1);
    if (found.length >= count) return found;
    await sleep(20);
  }
  assert.fail(`${file} did not get ${count} lines`);
}

test('padda\'s combined lines are nginx\'s, byte for byte but for the time stamp', async () => {
  const requests = [
    'GET /path?a=1&b=%22 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl "quoted" \\ back \xc3\xa9\r\nReferer: https://example.test/p?q="x"\r\n\r\n',
    'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n',
    'HEAD / HTTP/1.1\r\nHost: x\r\nUser-Agent: tab\there \xff\xfe\x80\r\n\r\n',
    'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nReferer: -\r\n\r\nhello',
  ];
  for (const text of requests) {
    const answer = await rawExchange(port.padda, Buffer.from(`${text.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')}`, 'latin1'));
    assert.match(answer.text, /^HTTP\/1\.1 (200|404)/);
  }
  const ours = await lines(paddaLog, requests.length);
  const theirs = await lines(nginxLog, requests.length);
  const stamp = /\[[^\]]+\]/;
  for (let i = 0; i < requests.length; i++) {
    assert.match(ours[i]!, /\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]/);
    assert.equal(ours[i]!.replace(stamp, '[]'), theirs[i]!.replace(stamp, '[]'), `request ${i}`);
  }
});
