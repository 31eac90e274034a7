/**
 * The HTTP data path through a real padda `sidecar` (plain HTTP) to a real
 * node:http app: forwarding and header hygiene, open-proxy and smuggling
 * attempts, limits, and every upstream fault mapped to 502/503/504.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, WebSocket } from 'undici';
import { curl, parseResponse, rawExchange } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { startProcess, tempDir, type RunningServer } from '../support/servers.ts';

let app: TestApp;
let victim: TestApp;
let padda: PaddaProcess;
let admin: number;
let proxy: number;
let down: number;
let ejecting: number;
let closedPort: number;
let slow: number;
let blackhole: number;
let stuck: RunningServer;

before(async () => {
  app = await startTestApp();
  victim = await startTestApp();
  [admin, proxy, down, ejecting, closedPort, slow, blackhole] = (await freePorts(7)) as [number, number, number, number, number, number, number];
  stuck = await startStuckListener();
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  proxy:
    mode: sidecar
    listen: 127.0.0.1:${proxy}
    upstream: http://127.0.0.1:${app.port}
    timeouts: { response: 700ms, body: 700ms }
    client: { max_header_size: 8kb, header_timeout: 1s }
  down:
    mode: sidecar
    listen: 127.0.0.1:${down}
    upstream: 127.0.0.1:${closedPort}
  ejecting:
    mode: sidecar
    listen: 127.0.0.1:${ejecting}
    upstream: 127.0.0.1:${closedPort}
    retries: 0
    pool: { failure_limit: 2, eject_time: 30s }
  slow:
    mode: sidecar
    listen: 127.0.0.1:${slow}
    upstream: http://127.0.0.1:${app.port}
    timeouts: { total: 600ms }
  blackhole:
    mode: sidecar
    listen: 127.0.0.1:${blackhole}
    upstream: http://127.0.0.1:${stuck.port}
    retries: 0
    timeouts: { connect: 300ms }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda.stop();
  await app.close();
  await victim.close();
  for (const socket of fillers) socket.destroy();
  await stuck?.stop();
});

/**
 * A listener that never accepts: python listens with a backlog of 0 and
 * sleeps; once a connection fills the kernel's accept queue, further SYNs
 * are dropped, so a connect hangs until the connector gives up.
 */
async function startStuckListener(): Promise<RunningServer> {
  const [port] = (await freePorts(1)) as [number];
  const server = await startProcess({
    label: 'stuck-listener',
    command: 'python3',
    args: ['-c', `import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', ${port}))\ns.listen(0)\ntime.sleep(600)`],
    // Waiting for the port connects once: that connection stays queued, unaccepted.
    ports: [port],
    dir: await tempDir('stuck'),
  });
  while (await connects(port, 300));
  return server;
}

/** Sockets kept open so the stuck listener's queue stays full. */
const fillers: net.Socket[] = [];

function connects(port: number, withinMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ host: '127.0.0.1', port });
    fillers.push(probe);
    const timer = setTimeout(() => resolve(false), withinMs);
    probe.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    probe.on('error', () => {});
  });
}

const url = (path: string, port = proxy) => `http://127.0.0.1:${port}${path}`;
const lastArrival = () => app.arrivals.at(-1)!;

describe('forwarding and header hygiene', () => {
  test('method, path, query and body reach the app; Host is preserved; the X-Forwarded set is added', async () => {
    const response = await request(url('/echo?q=1&r=%20'), {
      method: 'POST',
      body: 'hello',
      headers: { host: 'app.example', 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '6.6.6.6', 'x-forwarded-proto': 'gopher' },
    });
    const echoed = await response.body.json() as { method: string; url: string; headers: Record<string, string>; bodyBytes: number };
    assert.equal(response.statusCode, 200);
    assert.equal(echoed.method, 'POST');
    assert.equal(echoed.url, '/echo?q=1&r=%20');
    assert.equal(echoed.bodyBytes, 5);
    assert.equal(echoed.headers.host, 'app.example');
    assert.equal(echoed.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1', 'appended, as nginx $proxy_add_x_forwarded_for');
    assert.equal(echoed.headers['x-forwarded-proto'], 'http', 'set by padda, not taken from the client');
    assert.equal(echoed.headers['x-forwarded-host'], 'app.example');
    assert.equal(echoed.headers['x-real-ip'], '127.0.0.1');
    assert.match(echoed.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
  });

  test("a client's x-request-id is propagated unchanged", async () => {
    await (await request(url('/echo'), { headers: { 'x-request-id': 'trace-42' } })).body.text();
    assert.equal(lastArrival().headers['x-request-id'], 'trace-42');
  });

  test('hop-by-hop request headers and those Connection names stop at padda', async () => {
    const { text } = await rawExchange(proxy, 'GET /echo HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\n' +
      'Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\nX-Kept: yes\r\n\r\n', { idleMs: 500 });
    assert.equal(parseResponse(text).status, 200);
    const seen = lastArrival().headers;
    for (const name of ['x-hop', 'te', 'proxy-authorization', 'proxy-connection']) assert.equal(seen[name], undefined, name);
    assert.equal(seen['keep-alive'], undefined);
    assert.equal(seen['x-kept'], 'yes');
  });

  test('hop-by-hop response headers stop at padda; repeated headers and the reason phrase pass', async () => {
    const { text } = await rawExchange(proxy, 'GET /hop-by-hop HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    const raw = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
    assert.doesNotMatch(raw, /x-internal|proxy-authenticate|keep-alive: timeout=30/);
    assert.match(raw, /x-kept: yes/);
    assert.equal(raw.match(/set-cookie/g)?.length, 2);
    const reason = await rawExchange(proxy, 'GET /reason HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.match(reason.text, /^HTTP\/1\.1 299 Custom Reason\r\n/);
  });

  test('chunked responses, HEAD and 204 keep their framing', async () => {
    const chunked = await request(url('/chunked'));
    assert.equal(await chunked.body.text(), 'one,two');
    const head = await request(url('/stream?bytes=1234'), { method: 'HEAD' });
    assert.equal(head.headers['content-length'], '1234');
    assert.equal(await head.body.text(), '');
    const empty = await request(url('/status?code=204'));
    assert.equal(empty.statusCode, 204);
    assert.equal(empty.headers['x-status'], 'set');
  });

  test('a chunked upload reaches the app whole; Expect: 100-continue is answered before the body is sent', async () => {
    const { text } = await rawExchange(proxy, 'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      '5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: dropped\r\n\r\n');
    assert.equal(parseResponse(text).status, 200);
    assert.equal(lastArrival().bodyBytes, 11);
    assert.equal(lastArrival().bodySha256, createHash('sha256').update('hello world').digest('hex'));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxy });
      let got = '';
      socket.on('data', (chunk: Buffer) => {
        got += chunk.toString('latin1');
        // The body goes only once padda has said to go on.
        if (got.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !got.includes('HTTP/1.1 200')) socket.write('abc');
      });
      socket.once('close', () => resolve(got));
      socket.on('error', reject);
      socket.write('PUT /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    });
    assert.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    assert.equal(lastArrival().bodyBytes, 3);
    assert.equal(lastArrival().headers.expect, undefined, 'Expect is hop-by-hop: padda answered it');
  });

  test('an answer\'s trailers reach an HTTP/1.1 client after its last chunk', async () => {
    const { text } = await rawExchange(proxy, 'GET /trailers HTTP/1.1\r\nHost: h\r\nTE: trailers\r\nConnection: close\r\n\r\n');
    const response = parseResponse(text);
    assert.equal(response.status, 200);
    assert.equal(response.headers['transfer-encoding'], 'chunked');
    assert.match(response.body, /part one,\r\n.*part two\r\n0\r\nx-sum: 42\r\n\r\n$/s);
  });

  test('curl reuses one keep-alive connection for several requests', async () => {
    const result = await curl(['-v', url('/echo'), url('/echo')]);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /Re-using existing connection|Reusing existing connection/);
  });

  test('64 MiB up and 64 MiB down stream intact', async () => {
    const size = 64 * 1024 * 1024;
    const block = Buffer.alloc(1024 * 1024, 7);
    const sent = createHash('sha256');
    async function* body() {
      for (let i = 0; i < size / block.length; i++) {
        sent.update(block);
        yield block;
      }
    }
    const up = await request(url('/upload'), { method: 'PUT', body: Readable.from(body()), headers: { 'content-length': String(size) } });
    const echoed = await up.body.json() as { bodyBytes: number; bodySha256: string };
    assert.equal(echoed.bodyBytes, size);
    assert.equal(echoed.bodySha256, sent.digest('hex'));
    const down = await request(url(`/stream?bytes=${size}`));
    let received = 0;
    for await (const chunk of down.body) received += (chunk as Buffer).length;
    assert.equal(received, size);
  });
});

describe('never an open proxy', () => {
  test('an absolute-form target goes to the configured app with its authority as Host, never to the host it names', async () => {
    const before = victim.arrivals.length;
    const { text } = await rawExchange(proxy, `GET http://127.0.0.1:${victim.port}/secret?x=1 HTTP/1.1\r\nHost: ignored.example\r\nConnection: close\r\n\r\n`);
    assert.equal(parseResponse(text).status, 200);
    assert.equal(lastArrival().url, '/secret?x=1');
    assert.equal(lastArrival().headers.host, `127.0.0.1:${victim.port}`);
    assert.equal(victim.arrivals.length, before, 'the named host got nothing');
  });

  test('CONNECT is refused with 405 and nothing reaches the app', async () => {
    const before = app.arrivals.length;
    const { text } = await rawExchange(proxy, `CONNECT 127.0.0.1:${victim.port} HTTP/1.1\r\nHost: 127.0.0.1:${victim.port}\r\n\r\n`);
    const response = parseResponse(text);
    assert.equal(response.status, 405);
    assert.equal(response.headers['x-padda-error'], 'connect_refused');
    assert.equal(app.arrivals.length, before);
    assert.equal(victim.arrivals.length, 0);
  });

  test('a target that is neither a path nor an http URL gets 400', async () => {
    const before = app.arrivals.length;
    for (const target of ['ftp://example.com/x', '*', 'http://user@example.com/x', 'http://example.com/x#fragment']) {
      const { text } = await rawExchange(proxy, `OPTIONS ${target} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);
      const response = parseResponse(text);
      assert.equal(response.status, 400, target);
      assert.equal(response.headers['x-padda-error'], 'bad_request_target', target);
    }
    assert.equal(app.arrivals.length, before);
  });
});

describe('bad input', () => {
  const refused: Record<string, string> = {
    'request smuggling (CL.TE)': 'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG',
    'request smuggling (TE.CL)': 'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n',
    'request smuggling (two Content-Lengths)': 'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde',
    'request smuggling (obfuscated Transfer-Encoding)': 'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n',
    'request smuggling (space before colon)': 'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
    'request smuggling (bare LF line ends)': 'GET /echo HTTP/1.1\nHost: h\nX-A: a\n\n',
    'a header folded onto a second line (obs-fold)': 'GET /echo HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n',
    'a NUL in a header value': 'GET /echo HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n',
    'a space in the request target': 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n',
    'a method that is not a token': 'G(T /echo HTTP/1.1\r\nHost: h\r\n\r\n',
    'an unknown HTTP version': 'GET /echo HTTP/9.9\r\nHost: h\r\n\r\n',
    'a negative Content-Length': 'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n',
    'a chunk size past 64 bits': 'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nx\r\n0\r\n\r\n',
    'a 100 kB chunk extension': `POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;${'x'.repeat(100_000)}\r\nhello\r\n0\r\n\r\n`,
  };
  for (const [name, attack] of Object.entries(refused)) {
    test(`${name} is refused with 400 and nothing reaches the app`, async () => {
      const before = app.arrivals.length;
      const { text, closed } = await rawExchange(proxy, attack);
      assert.equal(parseResponse(text).status, 400, text);
      assert.ok(closed, 'the connection is closed after the 400');
      assert.equal(app.arrivals.length, before);
    });
  }

  test('lenient edges are refused: HTTP/2.0 or double spaces in a request line, a Host with / or @ (400), gzip, chunked (501)', async () => {
    const before = app.arrivals.length;
    for (const [attack, status, reason] of [
      ['GET / HTTP/2.0\r\nHost: h\r\n\r\n', 400, 'bad_request'],
      ['GET  /echo HTTP/1.1\r\nHost: h\r\n\r\n', 400, 'bad_request'],
      ['GET /echo  HTTP/1.1\r\nHost: h\r\n\r\n', 400, 'bad_request'],
      ['GET /echo HTTP/1.1\r\nHost: app.example/admin\r\n\r\n', 400, 'bad_host'],
      ['GET /echo HTTP/1.1\r\nHost: user@app.example\r\n\r\n', 400, 'bad_host'],
      // RFC 9112 §6.1 (nginx answers the same): padda does not decode gzip, and must not drop it either.
      ['POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', 501, 'unsupported_transfer_coding'],
    ] as const) {
      const { text, closed } = await rawExchange(proxy, attack);
      const response = parseResponse(text);
      assert.equal(response.status, status, JSON.stringify(attack));
      assert.equal(response.headers['x-padda-error'], reason, JSON.stringify(attack));
      assert.ok(closed, 'the connection is closed after the refusal');
    }
    assert.equal(app.arrivals.length, before, 'nothing reached the app');
  });

  test('two Host lines get 400, as RFC 9112 §3.2 and nginx say, on a request or an upgrade; nothing reaches the app', async () => {
    const before = app.arrivals.length;
    for (const extra of ['', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n']) {
      const { text, closed } = await rawExchange(proxy, `GET /echo HTTP/1.1\r\nHost: app.example\r\nHost: other.example\r\n${extra}\r\n`);
      const response = parseResponse(text);
      assert.equal(response.status, 400, text);
      assert.equal(response.headers['x-padda-error'], 'duplicate_host');
      assert.ok(closed, 'the connection is closed after the 400');
    }
    assert.equal(app.arrivals.length, before);
  });

  test('heads over the limit get 431 (a long header, many short headers), a request line over its limit 414', async () => {
    const before = app.arrivals.length;
    for (const [head, status, reason] of [
      [`GET /echo HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`, 431, 'header_overflow'],
      [`GET /echo HTTP/1.1\r\nHost: h\r\n${'X: y\r\n'.repeat(3000)}\r\n`, 431, 'header_overflow'],
      // nginx's answer to a request line longer than one large_client_header_buffers buffer (RFC 9110 §15.5.15).
      [`GET /${'a'.repeat(10_000)} HTTP/1.1\r\nHost: h\r\n\r\n`, 414, 'uri_too_long'],
    ] as const) {
      const { text, closed } = await rawExchange(proxy, head);
      const response = parseResponse(text);
      assert.equal(response.status, status, head.slice(0, 40));
      assert.equal(response.headers['x-padda-error'], reason);
      assert.ok(closed, 'the connection is closed after it');
    }
    assert.equal(app.arrivals.length, before);
  });

  test('a request its client cuts short (mid-head, mid-body, mid-chunk) gets 400 and never arrives complete', async () => {
    for (const cut of [
      'GET /echo HTTP/1.1\r\nHost: h\r\nX-Cut: ',
      'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nhello',
      'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel',
    ]) {
      const before = app.arrivals.length;
      const { text, closed } = await rawExchange(proxy, cut, { end: true });
      assert.equal(parseResponse(text).status, 400, cut);
      assert.ok(closed);
      await sleep(100);
      assert.ok(app.arrivals.slice(before).every((arrival) => !arrival.complete), `the app saw a complete request for ${JSON.stringify(cut)}`);
    }
  });

  test('a client that trickles its headers (slowloris) gets 408 at header_timeout', async () => {
    const started = Date.now();
    const response = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxy });
      let text = '';
      socket.write('GET /echo HTTP/1.1\r\nHost: h\r\n');
      const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('error', () => {});
      socket.once('close', () => {
        clearInterval(trickle);
        resolve(text);
      });
    });
    assert.equal(parseResponse(response).status, 408);
    const held = Date.now() - started;
    assert.ok(held >= 900 && held < 3500, `held ${held} ms`);
  });

  test('bad chunking mid-body never arrives as a complete request', async () => {
    const before = app.arrivals.length;
    const { text } = await rawExchange(proxy, 'POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nmore\r\n0\r\n\r\n');
    assert.doesNotMatch(text, /^HTTP\/1\.1 200/);
    await sleep(100);
    assert.ok(app.arrivals.slice(before).every((arrival) => !arrival.complete), 'the app saw no complete request');
  });
});

describe('upstream faults', () => {
  test('an app that refuses connections gives 502 upstream_connect_refused, after one retry for GET', async () => {
    const response = await request(url('/x', down));
    assert.equal(response.statusCode, 502);
    assert.equal(response.headers['x-padda-error'], 'upstream_connect_refused');
    assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.match(await response.body.text(), /refused/);
    const post = await request(url('/x', down), { method: 'POST', body: 'x' });
    assert.equal(post.statusCode, 502);
    await post.body.text();
    const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
    assert.match(metrics, /padda_http_upstream_retries_total\{listener="down"\} 1\n/, 'GET retried once, POST never');
  });

  test('after failure_limit refusals the app is ejected: 503 no_healthy_upstream', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await request(url('/x', ejecting));
      statuses.push(`${response.statusCode} ${response.headers['x-padda-error']}`);
      await response.body.text();
    }
    assert.deepEqual(statuses, ['502 upstream_connect_refused', '502 upstream_connect_refused', '503 no_healthy_upstream', '503 no_healthy_upstream']);
  });

  test('an app slower than the response timeout gives 504 upstream_response_timeout', async () => {
    const started = Date.now();
    const response = await request(url('/slow?ms=3000'));
    assert.equal(response.statusCode, 504);
    assert.equal(response.headers['x-padda-error'], 'upstream_response_timeout');
    await response.body.text();
    assert.ok(Date.now() - started < 2500);
  });

  test('an app that does not accept the connection in time gives 504 upstream_connect_timeout', async () => {
    const started = Date.now();
    const response = await request(url('/x', blackhole));
    assert.equal(response.statusCode, 504);
    assert.equal(response.headers['x-padda-error'], 'upstream_connect_timeout');
    await response.body.text();
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  test('an exchange longer than the total timeout gives 504 request_timeout', async () => {
    const response = await request(url('/slow?ms=3000', slow));
    assert.equal(response.statusCode, 504);
    assert.equal(response.headers['x-padda-error'], 'request_timeout');
    await response.body.text();
    const quick = await request(url('/echo', slow));
    assert.equal(quick.statusCode, 200);
    await quick.body.text();
  });

  test('an app that resets mid-body: the client sees a cut transfer, never a complete one', async () => {
    const result = await curl(['-o', '/dev/null', url('/reset-mid-body')]);
    assert.notEqual(result.code, 0, 'curl reports the transfer as failed');
    const stalled = await curl(['-o', '/dev/null', url('/stall-mid-body')]);
    assert.notEqual(stalled.code, 0, 'a body stalled past the body timeout is cut too');
  });

  test('a client that goes away mid-response releases the upstream request', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url('/abort-watch'), (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.setTimeout(5000, () => reject(new Error('no first byte')));
    });
    for (let i = 0; i < 50 && !app.arrivals.some((a) => a.url === '/abort-watch#closed'); i++) await sleep(20);
    assert.ok(app.arrivals.some((a) => a.url === '/abort-watch#closed'));
  });
});

describe('upgrades', () => {
  test('a WebSocket passes through, and closing it closes both sides', async () => {
    const openBefore = app.openSockets();
    const socket = new WebSocket(`ws://127.0.0.1:${proxy}/ws`);
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.onopen = () => socket.send('ping through padda');
      socket.onmessage = (event) => resolve(String(event.data));
      socket.onerror = () => reject(new Error('websocket failed'));
    });
    assert.equal(echoed, 'ping through padda');
    assert.equal(lastArrival().headers.upgrade, 'websocket');
    socket.close();
    for (let i = 0; i < 50 && app.openSockets() > openBefore; i++) await sleep(20);
    assert.equal(app.openSockets(), openBefore, 'the upstream socket closed with the client');
  });

  test('an upgrade the app declines is relayed as its answer', async () => {
    const { text } = await rawExchange(proxy, 'GET /ws-refused HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.equal(parseResponse(text).status, 403);
  });

  test('an upgrade to an absolute-form target goes to the app; one to a target that is not a path gets 400', async () => {
    const handshake = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const absolute = await rawExchange(proxy, `GET http://app.example/ws-refused HTTP/1.1\r\nHost: ignored.example\r\n${handshake}`);
    assert.equal(parseResponse(absolute.text).status, 403);
    assert.equal(lastArrival().url, '/ws-refused');
    assert.equal(lastArrival().headers.host, 'app.example');
    const before = app.arrivals.length;
    const { text, closed } = await rawExchange(proxy, `GET ftp://example.com/ws HTTP/1.1\r\nHost: h\r\n${handshake}`);
    const refused = parseResponse(text);
    assert.equal(refused.status, 400);
    assert.equal(refused.headers['x-padda-error'], 'bad_request_target');
    assert.ok(closed, 'the connection is closed after the 400');
    assert.equal(app.arrivals.length, before);
  });

  test('an h2c upgrade is ignored: the request is answered as HTTP/1.1', async () => {
    const { text } = await rawExchange(proxy, 'GET /echo HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n', { idleMs: 500 });
    assert.equal(parseResponse(text).status, 200);
    assert.equal(lastArrival().headers.upgrade, undefined);
    assert.equal(lastArrival().headers['http2-settings'], undefined);
  });
});

test('metrics count responses by class and errors by reason', async () => {
  const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
  assert.match(metrics, /padda_http_responses_total\{listener="proxy",code="2xx"\} [1-9]/);
  assert.match(metrics, /padda_listener_errors_total\{listener="proxy",mode="sidecar",reason="bad_request"\} [1-9]/);
  assert.match(metrics, /padda_listener_errors_total\{listener="ejecting",mode="sidecar",reason="no_healthy_upstream"\} 2/);
  const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body) as unknown;
  assert.match(JSON.stringify(stats), /"upstream":\{"upstream":"http:\/\/127\.0\.0\.1:\d+","available":true/);
});
