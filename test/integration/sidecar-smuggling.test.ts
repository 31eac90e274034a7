/**
 * Request smuggling through a real padda sidecar to the most forgiving app
 * there is: node:http with insecureHTTPParser, which reads whatever framing
 * it can. Every classic pair — CL.TE, TE.CL, and TE.TE with Transfer-Encoding
 * obfuscated every way the literature knows — is sent as one request with a
 * second one hidden in its body; the app must never see the hidden one, nor
 * two requests where the client sent one. And an upstream answer whose
 * framing is ambiguous never reaches the client as a response.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseResponse, rawExchange } from '../support/clients.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

const HIDDEN = 'GET /smuggled HTTP/1.1\r\nHost: victim\r\n\r\n';

let app: http.Server;
let appPort = 0;
let badApp: net.Server;
let badPort = 0;
const seen: string[] = [];
let padda: PaddaProcess;
let proxy = 0;
let badProxy = 0;

before(async () => {
  // The lenient app: records every request it reads, whatever its framing.
  app = http.createServer({ insecureHTTPParser: true }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appPort = (app.address() as net.AddressInfo).port;
  // An app whose answers carry ambiguous framing.
  badApp = net.createServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => badApp.listen(0, '127.0.0.1', resolve));
  badPort = (badApp.address() as net.AddressInfo).port;
  let admin = 0;
  [admin, proxy, badProxy] = (await freePorts(3)) as [number, number, number];
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  proxy: { mode: sidecar, listen: 127.0.0.1:${proxy}, upstream: http://127.0.0.1:${appPort}, retries: 0 }
  bad: { mode: sidecar, listen: 127.0.0.1:${badProxy}, upstream: http://127.0.0.1:${badPort}, retries: 0 }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  app?.close();
  badApp?.close();
});

/** A chunked body that ends, then the hidden request: what a reader that takes TE gets wrong if it should have taken CL, and back. */
const chunkedThenHidden = `0\r\n\r\n${HIDDEN}`;

const PAIRS: Record<string, string> = {
  'CL.TE': `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${chunkedThenHidden.length}\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedThenHidden}`,
  'TE.CL': `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${(HIDDEN.length).toString(16)}\r\n${HIDDEN}\r\n0\r\n\r\n`,
  'CL.CL': `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: ${HIDDEN.length}\r\n\r\n${HIDDEN}`,
  'CL as a list': `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0, ${HIDDEN.length}\r\n\r\n${HIDDEN}`,
};
// TE.TE: one reader sees chunked, another does not and falls back to Content-Length.
const OBFUSCATED = [
  'Transfer-Encoding: xchunked', 'Transfer-Encoding : chunked', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: x', 'Transfer-Encoding:\x0bchunked',
  'X: x\nTransfer-Encoding: chunked', 'Transfer-Encoding\n : chunked', ' Transfer-Encoding: chunked', 'X: x\r\n Transfer-Encoding: chunked',
  'Transfer-Encoding: chunked, identity', 'Transfer-Encoding: identity, chunked', 'Transfer-Encoding: "chunked"', 'Transfer-Encoding: chunk',
  'Transfer-Encoding: chunked\0', 'Transfer-Encoding: \rchunked', 'Transfer-Encoding: chunked\r', 'Transfer_Encoding: chunked',
  'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: cHuNkEd', 'Transfer-Encoding\t: chunked',
];
/** The hidden request as the data of one chunk: a reader that does not take the body as chunked reads it as a request. */
const hiddenInAChunk = `${HIDDEN.length.toString(16)}\r\n${HIDDEN}\r\n0\r\n\r\n`;
for (const [i, te] of OBFUSCATED.entries()) {
  PAIRS[`TE.TE #${i} ${JSON.stringify(te)}`] = `POST / HTTP/1.1\r\nHost: h\r\n${te}\r\nContent-Length: ${chunkedThenHidden.length}\r\n\r\n${chunkedThenHidden}`;
  PAIRS[`TE.TE #${i} ${JSON.stringify(te)} without CL`] = `POST / HTTP/1.1\r\nHost: h\r\n${te}\r\n\r\n${hiddenInAChunk}`;
}
// Chunk framing tricks: a size one reader reads differently from another; the hidden request is the next chunk's data.
for (const size of ['0x5', '5 ', ' 5', '5\n', '+5', '-0', '0000000000000000000000005', 'fffffffffffffffffffffffff', '5;\n', '5;a=b c', '5\r\r']) {
  PAIRS[`chunk size ${JSON.stringify(size)}`] = `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\nhello\r\n${hiddenInAChunk}`;
}

for (const [name, attack] of Object.entries(PAIRS)) {
  test(`${name}: the app never sees the hidden request, nor two where one was sent`, async () => {
    const before = seen.length;
    await rawExchange(proxy, attack, { idleMs: 300 });
    await sleep(20);
    const arrived = seen.slice(before);
    assert.ok(!arrived.some((line) => line.includes('/smuggled')), `the hidden request arrived: ${arrived.join(' | ')}`);
    assert.ok(arrived.length <= 1, `the app read ${arrived.length} requests: ${arrived.join(' | ')}`);
  });
}

test('pipelined requests arrive one by one, in order, answered in order', async () => {
  const before = seen.length;
  const { text } = await rawExchange(proxy, 'GET /p1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /p2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /p3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
  assert.deepEqual(seen.slice(before), ['GET /p1', 'POST /p2', 'GET /p3']);
  assert.equal(text.match(/HTTP\/1\.1 200 /g)?.length, 3);
});

test('an upstream answer with Content-Length and Transfer-Encoding is not forwarded: 502, and nothing after it', async () => {
  const { text } = await rawExchange(badProxy, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n', { idleMs: 500 });
  const response = parseResponse(text);
  assert.equal(response.status, 502);
  assert.equal(response.headers['x-padda-error'], 'upstream_bad_response');
  assert.doesNotMatch(text, /smuggled/);
});
