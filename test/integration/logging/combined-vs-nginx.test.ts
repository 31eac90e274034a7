import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { combinedAccessLine } from '../../../src/logging/formats.ts';
import { freePort } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

/** padda's `format: combined` against the line nginx itself writes for the same request. */
let nginx: RunningServer;
let port: number;
let logDir: string;
let logFile: string;

before(async () => {
  port = await freePort();
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-nginx-log-'));
  logFile = path.join(logDir, 'access.log');
  nginx = await startNginx(`server { listen 127.0.0.1:${port}; access_log ${logFile} combined; location / { return 200 "twelve bytes"; } }`);
});

after(async () => {
  await nginx?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

function send(request: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', () => {});
    socket.on('end', () => resolve());
    socket.on('error', reject);
    socket.end(request);
  });
}

test('the same fields give nginx\'s combined line, escapes included, after the timestamp', async () => {
  const agent = 'curl "quoted" \\ back é';
  const referer = 'https://example.test/p?q="x"';
  await send(`GET /path?a=1&b=%22 HTTP/1.1\r\nHost: x\r\nUser-Agent: ${agent}\r\nReferer: ${referer}\r\nConnection: close\r\n\r\n`);
  let line = '';
  for (let i = 0; i < 50 && line === ''; i++) {
    line = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    await sleep(20);
  }
  const ours = combinedAccessLine({
    startedAt: Date.now(), client: '127.0.0.1', method: 'GET', target: '/path?a=1&b=%22', protocol: 'HTTP/1.1', status: 200,
    bytesIn: 0, bytesOut: 12, durationMs: 1, userAgent: Buffer.from(agent).toString('latin1'), referer,
  });
  const afterTime = (text: string) => text.slice(text.indexOf(']'));
  const before = (text: string) => text.slice(0, text.indexOf('['));
  assert.equal(afterTime(ours), afterTime(line), `nginx: ${line}`);
  assert.equal(before(ours), before(line));
  assert.match(line, /\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]/);
  assert.match(ours, /\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]/);
});
