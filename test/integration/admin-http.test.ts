import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

let padda: PaddaProcess;
let admin: number;

before(async () => {
  const [adminPort, app] = (await freePorts(2)) as [number, number];
  admin = adminPort;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: hi }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(() => padda.stop());

/** Sends raw bytes on one connection and collects everything until the server closes it (or `waitMs` passes). */
function exchange(bytes: string, waitMs = 2_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(admin, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

test('keep-alive: two requests on one connection, each framed by content-length', async () => {
  const socket = net.connect(admin, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
  const answered = async (count: number) => {
    while ((text.match(/HTTP\/1\.1 /g) ?? []).length < count || !text.endsWith('\n')) await new Promise((r) => setTimeout(r, 10));
  };
  socket.write('GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n');
  await answered(1);
  assert.match(text, /^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain; charset=utf-8\r\ncontent-length: 3\r\ncache-control: no-store\r\n\r\nok\n$/);
  socket.write('GET /ready HTTP/1.1\r\nHost: a\r\n\r\n');
  await answered(2);
  assert.match(text, /\r\n\r\nok\nHTTP\/1\.1 200 OK\r\n[^]*content-length: 6\r\n[^]*\r\n\r\nready\n$/);
  assert.equal(socket.destroyed, false);
  socket.destroy();
});

test('HEAD gets the headers without the body; Connection: close is honoured', async () => {
  const { text, closed } = await exchange('HEAD /ready HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.equal(closed, true);
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*content-length: 6\r\n[^]*connection: close\r\n\r\n$/);
});

test('other methods get 405 with Allow; unknown paths 404', async () => {
  const post = await exchange('POST /config HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  assert.match(post.text, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  assert.match(post.text, /\r\nallow: GET, HEAD\r\n/);
  const missing = await exchange('GET /nope HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.match(missing.text, /^HTTP\/1\.1 404 Not Found\r\n/);
});

test('malformed and oversized requests get 4xx and the connection closes; the admin server keeps serving', async () => {
  const bare = await exchange('GET /healthz HTTP/1.1\nHost: a\n\n');
  assert.equal(bare.closed, true);
  assert.match(bare.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
  const huge = await exchange(`GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(64 * 1024)}\r\n\r\n`);
  assert.equal(huge.closed, true);
  assert.match(huge.text, /^HTTP\/1\.1 431 /);
  const body = await exchange('GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
  assert.equal(body.closed, true);
  assert.match(body.text, /^HTTP\/1\.1 413 Content Too Large\r\n/);
  const truncated = await exchange('GET /heal', 300);
  assert.equal(truncated.text, '');
  assert.match((await exchange('GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).text, /^HTTP\/1\.1 200 OK/);
});
