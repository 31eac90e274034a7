/**
 * TLS with `workers: 2`: the kernel spreads connections over both worker
 * processes, so a session ticket issued by one must resume on the other.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { createCa, issue, type TestCa } from '../support/certs.ts';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

let dir: string;
let ca: TestCa;
let app: TestApp;
let padda: PaddaProcess;
let port: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-tls-workers-'));
  ca = createCa(dir);
  const pair = issue(ca, { names: ['localhost'], file: 'server' });
  app = await startTestApp();
  const [admin, listen] = (await freePorts(2)) as [number, number];
  port = listen;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
workers: 2
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:${port}
    upstream: http://127.0.0.1:${app.port}
    tls: { cert: ${pair.cert}, key: ${pair.key} }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda.stop();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One request on a new connection; returns whether the handshake resumed and the ticket the server sent. */
function connectOnce(session?: Buffer): Promise<{ reused: boolean; ticket: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let ticket: Buffer | undefined;
    let reused = false;
    const socket = tls.connect({ host: '127.0.0.1', port, ca: fs.readFileSync(ca.cert), servername: 'localhost', ...(session ? { session } : {}) });
    socket.on('session', (data: Buffer) => (ticket = data));
    socket.once('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.write('GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', () => {});
    socket.once('error', reject);
    socket.once('close', () => resolve({ reused, ticket }));
  });
}

test('a session ticket from one worker resumes on every worker', async () => {
  const first = await connectOnce();
  assert.ok(first.ticket, 'the server sent a ticket');
  const resumed: boolean[] = [];
  for (let i = 0; i < 12; i++) resumed.push((await connectOnce(first.ticket)).reused);
  assert.deepEqual(resumed, Array(12).fill(true));
});
