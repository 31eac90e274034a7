/**
 * The TLS-terminating sidecar with real clients (curl over HTTP/1.1 and
 * HTTP/2, node's https, http2 and tls, undici's WebSocket) and certificates
 * made by openssl at test time: SNI, certificate reload through a
 * Kubernetes-style symlink swap (and refusal of bad pairs), client
 * certificates, resumption, the HTTPS redirect, and TLS faults.
 */
import assert from 'node:assert/strict';
import { constants, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { Agent, WebSocket } from 'undici';
import { createCa, issue, type Issued, type TestCa } from '../support/certs.ts';
import { curl, parseResponse, rawExchange } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/http-app.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { startRedis, type RunningServer } from '../support/servers.ts';

let dir: string;
let ca: TestCa;
let certs: Record<'v1' | 'v2' | 'a' | 'b' | 'client' | 'expired', Issued>;
let app: TestApp;
let redis: RunningServer;
let padda: PaddaProcess;
let ports: { admin: number; tls: number; redirect: number; mtls: number; optional: number; tls13: number; tcp: number; gone: number };

/** Points the Secret-like directory's `..data` symlink at a new version holding `pair`, as kubelet does. */
function publishSecret(version: string, pair: Issued): void {
  const secret = path.join(dir, 'secret');
  const versionDir = path.join(secret, `..${version}`);
  fs.mkdirSync(versionDir, { recursive: true });
  fs.copyFileSync(pair.cert, path.join(versionDir, 'tls.crt'));
  fs.copyFileSync(pair.key, path.join(versionDir, 'tls.key'));
  fs.symlinkSync(`..${version}`, path.join(secret, '..data_tmp'));
  fs.renameSync(path.join(secret, '..data_tmp'), path.join(secret, '..data'));
  for (const file of ['tls.crt', 'tls.key']) {
    if (!fs.existsSync(path.join(secret, file))) fs.symlinkSync(path.join('..data', file), path.join(secret, file));
  }
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-tls-'));
  ca = createCa(path.join(dir, 'ca'));
  certs = {
    v1: issue(ca, { names: ['localhost', '127.0.0.1'], file: 'v1' }),
    v2: issue(ca, { names: ['localhost', '127.0.0.1'], file: 'v2' }),
    a: issue(ca, { names: ['a.test'], file: 'a' }),
    b: issue(ca, { names: ['*.b.test'], file: 'b' }),
    client: issue(ca, { names: ['client-1', 'spiffe://padda/client-1'], file: 'client', client: true }),
    expired: issue(ca, { names: ['localhost'], file: 'expired', startDate: '20200101000000Z', endDate: '20200102000000Z' }),
  };
  publishSecret('v1', certs.v1);
  app = await startTestApp();
  redis = await startRedis();
  const [admin, tlsPort, redirect, mtls, optional, tls13, tcp, gone, closed] = (await freePorts(9)) as number[] as [number, number, number, number, number, number, number, number, number];
  ports = { admin, tls: tlsPort, redirect, mtls, optional, tls13, tcp, gone };
  const upstream = `http://127.0.0.1:${app.port}`;
  const secret = path.join(dir, 'secret');
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:${tlsPort}
    upstream: ${upstream}
    redirect_http: 127.0.0.1:${redirect}
    tls:
      cert: ${secret}/tls.crt
      key: ${secret}/tls.key
      certificates:
        - { names: [a.test], cert: ${certs.a.cert}, key: ${certs.a.key} }
        - { cert: ${certs.b.cert}, key: ${certs.b.key} }
      handshake_timeout: 1s
  mtls:
    mode: sidecar
    listen: 127.0.0.1:${mtls}
    upstream: ${upstream}
    tls: { cert: ${certs.v1.cert}, key: ${certs.v1.key}, client_ca: ${ca.cert}, require_client_cert: true }
  optional:
    mode: sidecar
    listen: 127.0.0.1:${optional}
    upstream: ${upstream}
    tls: { cert: ${certs.v1.cert}, key: ${certs.v1.key}, client_ca: ${ca.cert} }
  tls13:
    mode: sidecar
    listen: 127.0.0.1:${tls13}
    upstream: ${upstream}
    tls: { cert: ${certs.v1.cert}, key: ${certs.v1.key}, min_version: TLSv1.3 }
  gone:
    mode: sidecar
    listen: 127.0.0.1:${gone}
    upstream: http://127.0.0.1:${closed}
    tls: { cert: ${certs.v1.cert}, key: ${certs.v1.key} }
  redis:
    mode: sidecar
    protocol: tcp
    listen: 127.0.0.1:${tcp}
    upstream: 127.0.0.1:${redis.port}
    tls: { cert: ${certs.v1.cert}, key: ${certs.v1.key} }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  await app?.close();
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const caPem = () => fs.readFileSync(ca.cert);
const lastArrival = () => app.arrivals.at(-1)!;

/** Handshakes and returns the certificate padda presented, then closes. */
function presented(port: number, options: tls.ConnectionOptions = {}): Promise<{ cn: string; fingerprint: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem(), servername: 'localhost', ...options }, () => {
      const cert = socket.getPeerCertificate();
      resolve({ cn: String(cert.subject?.CN), fingerprint: cert.fingerprint256, reused: socket.isSessionReused() });
      socket.end();
    });
    socket.once('error', reject);
  });
}

function fingerprintOf(file: string): string {
  return new X509Certificate(fs.readFileSync(file)).fingerprint256;
}

describe('serving HTTPS', () => {
  test('curl over HTTP/1.1 and HTTP/2 reaches the app, which sees X-Forwarded-Proto https', async () => {
    const resolve = `localhost:${ports.tls}:127.0.0.1`;
    const one = await curl(['-i', '--http1.1', '--cacert', ca.cert, '--resolve', resolve, `https://localhost:${ports.tls}/echo`]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^HTTP\/1\.1 200/);
    assert.equal(lastArrival().headers['x-forwarded-proto'], 'https');
    assert.equal(lastArrival().headers.host, `localhost:${ports.tls}`);
    const two = await curl(['-i', '--http2', '--cacert', ca.cert, '--resolve', resolve, `https://localhost:${ports.tls}/echo`]);
    assert.equal(two.code, 0, two.stderr);
    assert.match(two.stdout, /^HTTP\/2 200/);
  });

  test("node's https and http2 clients work; HTTP/2's split cookies reach the app joined", async () => {
    const body = await new Promise<string>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: ports.tls, path: '/echo', ca: caPem(), servername: 'localhost' }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.match(body, /"x-forwarded-proto":"https"/);
    const session = http2.connect(`https://localhost:${ports.tls}`, { ca: caPem(), host: '127.0.0.1', port: ports.tls } as http2.SecureClientSessionOptions);
    try {
      const stream = session.request({ ':path': '/echo', cookie: ['a=1', 'b=2'] });
      const status = await new Promise<number>((resolve) => stream.once('response', (headers) => resolve(Number(headers[':status']))));
      stream.resume();
      await new Promise((resolve) => stream.once('end', resolve));
      assert.equal(status, 200);
      assert.equal(lastArrival().headers.cookie, 'a=1; b=2');
      assert.equal(lastArrival().headers.host, `localhost:${ports.tls}`);
    } finally {
      session.close();
    }
  });

  test('HTTP/2: a request body streams to the app, and padda\'s own errors reach the client', async () => {
    const session = http2.connect(`https://localhost:${ports.tls}`, { ca: caPem(), host: '127.0.0.1', port: ports.tls } as http2.SecureClientSessionOptions);
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/upload' });
      stream.end(Buffer.alloc(300_000, 'h'));
      let text = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      await new Promise((resolve) => stream.once('end', resolve));
      assert.equal((JSON.parse(text) as { bodyBytes: number }).bodyBytes, 300_000);
    } finally {
      session.close();
    }
    const failed = await curl(['-i', '--http2', '--cacert', ca.cert, '--resolve', `localhost:${ports.gone}:127.0.0.1`, `https://localhost:${ports.gone}/`]);
    const response = parseResponse(failed.stdout);
    assert.match(failed.stdout, /^HTTP\/2 502/);
    assert.equal(response.headers['x-padda-error'], 'upstream_connect_refused');
  });

  test('HTTP/2: an answer\'s trailers arrive as a trailing HEADERS frame', async () => {
    const session = http2.connect(`https://localhost:${ports.tls}`, { ca: caPem(), host: '127.0.0.1', port: ports.tls } as http2.SecureClientSessionOptions);
    try {
      const stream = session.request({ ':path': '/trailers' });
      const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('trailers', resolve));
      let text = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      await new Promise((resolve) => stream.once('end', resolve));
      assert.equal(text, 'part one,part two');
      assert.equal((await trailers)['x-sum'], '42');
    } finally {
      session.close();
    }
  });

  test('SNI picks the certificate: exact name, wildcard, and the default for unknown or no names', async () => {
    assert.equal((await presented(ports.tls, { servername: 'a.test' })).cn, 'a.test');
    assert.equal((await presented(ports.tls, { servername: 'x.b.test' })).cn, '*.b.test');
    assert.equal((await presented(ports.tls, { servername: 'unknown.test', checkServerIdentity: () => undefined })).cn, 'localhost');
    assert.equal((await presented(ports.tls, { servername: '' })).cn, 'localhost');
  });

  test('sessions resume: by ticket (TLS 1.3) and by session id (TLS 1.2 without tickets)', async () => {
    for (const options of [{}, { maxVersion: 'TLSv1.2' as const, secureOptions: constants.SSL_OP_NO_TICKET }]) {
      const session = await new Promise<Buffer>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: ports.tls, ca: caPem(), servername: 'localhost', ...options });
        socket.once('session', (data: Buffer) => {
          resolve(data);
          socket.end();
        });
        // TLS 1.3 sends tickets after the handshake: read something so they arrive.
        socket.once('secureConnect', () => socket.write('GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
        socket.on('data', () => {});
        socket.once('error', reject);
      });
      assert.equal((await presented(ports.tls, { ...options, session })).reused, true, JSON.stringify(options));
    }
  });

  test('a WebSocket over wss passes through', async () => {
    const dispatcher = new Agent({ connect: { ca: caPem(), servername: 'localhost' } });
    const socket = new WebSocket(`wss://127.0.0.1:${ports.tls}/ws`, { dispatcher } as unknown as string[]);
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.onopen = () => socket.send('hello over wss');
      socket.onmessage = (event) => resolve(String(event.data));
      socket.onerror = (event) => reject(new Error(`websocket failed: ${(event as unknown as { message?: string }).message}`));
    });
    socket.close();
    await dispatcher.close();
    assert.equal(echoed, 'hello over wss');
  });

  test('protocol: tcp terminates TLS in front of redis-server', async () => {
    const answer = await rawExchange(ports.tcp, 'PING\r\n', { tls: { ca: caPem(), servername: 'localhost' }, idleMs: 500 });
    assert.equal(answer.text, '+PONG\r\n');
  });
});

describe('certificate reload', () => {
  test('a new pair published by symlink swap serves new handshakes; an open connection keeps working', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: caPem(), servername: 'localhost' });
    const fetchOnce = () => new Promise<{ socket: object; status: number }>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: ports.tls, path: '/echo', agent }, (res) => {
        res.resume().once('end', () => resolve({ socket: res.socket, status: res.statusCode! }));
      }).on('error', reject);
    });
    try {
      const first = await fetchOnce();
      assert.equal((await presented(ports.tls)).fingerprint, fingerprintOf(certs.v1.cert));
      const since = padda.logs().length;
      publishSecret('v2', certs.v2);
      await padda.waitForLog(/certificate reloaded/, since);
      assert.equal((await presented(ports.tls)).fingerprint, fingerprintOf(certs.v2.cert));
      // Longer than handshake_timeout too: the deadline ends with the handshake.
      await sleep(1200);
      const second = await fetchOnce();
      assert.equal(second.status, 200);
      assert.equal(second.socket, first.socket, 'the same connection, opened under the old certificate');
    } finally {
      agent.destroy();
    }
  });

  for (const [what, pick, problem] of [
    ['a key that is not the certificate\'s', () => ({ cert: certs.v1.cert, key: certs.a.key }), /is not the key of/],
    ['an expired certificate', () => certs.expired, /expired at/],
  ] as const) {
    test(`${what} is refused: the previous pair keeps serving, and the log says why`, async () => {
      const serving = (await presented(ports.tls)).fingerprint;
      const since = padda.logs().length;
      publishSecret(`bad-${Date.now()}`, pick());
      const line = await padda.waitForLog(/certificate change rejected/, since);
      assert.match(String(line.problem), problem);
      assert.equal((await presented(ports.tls)).fingerprint, serving);
    });
  }
});

describe('client certificates', () => {
  const withClientCert = () => ({ cert: fs.readFileSync(certs.client.cert), key: fs.readFileSync(certs.client.key) });
  const getEcho = (port: number, extra: https.RequestOptions = {}) => new Promise<{ status: number; headers: Record<string, string> }>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: '/echo', ca: caPem(), servername: 'localhost', agent: false, ...extra }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, headers: (JSON.parse(text) as { headers: Record<string, string> }).headers }));
    }).on('error', reject);
  });

  test('require_client_cert: a client without one is refused; one with a valid one is forwarded with its identity', async () => {
    await assert.rejects(getEcho(ports.mtls));
    const { status, headers } = await getEcho(ports.mtls, { ...withClientCert(), headers: { 'x-forwarded-client-cert': 'Subject="CN=forged"' } });
    assert.equal(status, 200);
    const xfcc = headers['x-forwarded-client-cert']!;
    assert.match(xfcc, /^Hash=[0-9a-f]{64};Subject="CN=client-1";URI=spiffe:\/\/padda\/client-1;DNS=client-1$/);
  });

  test('an optional client certificate: none means no identity header, and a forged one is dropped', async () => {
    const { status, headers } = await getEcho(ports.optional, { headers: { 'x-forwarded-client-cert': 'Subject="CN=forged"' } });
    assert.equal(status, 200);
    assert.equal(headers['x-forwarded-client-cert'], undefined);
    assert.match((await getEcho(ports.optional, withClientCert())).headers['x-forwarded-client-cert']!, /CN=client-1/);
  });

  test('min_version TLSv1.3 refuses a TLS 1.2 client', async () => {
    await assert.rejects(presented(ports.tls13, { maxVersion: 'TLSv1.2' }));
    assert.equal((await presented(ports.tls13)).cn, 'localhost');
  });
});

describe('faults and redirects', () => {
  test('plain HTTP sent to the TLS port gets a readable 400', async () => {
    const { text } = await rawExchange(ports.tls, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const response = parseResponse(text);
    assert.equal(response.status, 400);
    assert.equal(response.headers['x-padda-error'], 'plain_http_to_tls_port');
  });

  test('a handshake that never starts, or trickles in, is cut at handshake_timeout', async () => {
    const silentStart = Date.now();
    const silent = await rawExchange(ports.tls, Buffer.alloc(0), { idleMs: 5000 });
    assert.ok(silent.closed, 'padda closed the silent connection');
    assert.ok(Date.now() - silentStart < 2500, `silent client held ${Date.now() - silentStart} ms`);
    const trickleStart = Date.now();
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: ports.tls });
      // A ClientHello record header, then one byte every 200 ms: always active, never done.
      socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
      const trickle = setInterval(() => socket.write(Buffer.from([0x01])), 200);
      socket.on('error', () => {});
      socket.once('close', () => {
        clearInterval(trickle);
        resolve();
      });
    });
    const held = Date.now() - trickleStart;
    assert.ok(held >= 900 && held < 2500, `trickling client held ${held} ms`);
  });

  test('a client that half-closes mid-hello is let go at once, not held to the deadline', async () => {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: ports.tls }, () => {
        socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x50, 0x01]));
        setTimeout(() => socket.end(), 50);
      });
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.once('close', () => resolve());
    });
    assert.ok(Date.now() - started < 700, `held ${Date.now() - started} ms`);
    const stats = await (await fetch(`http://127.0.0.1:${ports.admin}/stats`)).json() as { listeners: { web: { workers: { main: { tls: { handshaking: number } } } } } };
    assert.equal(stats.listeners.web.workers.main.tls.handshaking, 0);
  });

  test('redirect_http answers 308 to the same path over https', async () => {
    const result = await curl(['-i', `http://127.0.0.1:${ports.redirect}/some/path?q=1`]);
    const response = parseResponse(result.stdout);
    assert.equal(response.status, 308);
    assert.equal(response.headers.location, `https://127.0.0.1:${ports.tls}/some/path?q=1`);
    const followed = await curl(['-L', '--cacert', ca.cert, '--resolve', `localhost:${ports.redirect}:127.0.0.1`, '--resolve', `localhost:${ports.tls}:127.0.0.1`,
      `http://localhost:${ports.redirect}/echo`]);
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /"x-forwarded-proto":"https"/);
  });

  test('redirect_http will not put a hostile or missing Host into a Location: 400 bad_host', async () => {
    for (const host of ['evil.example/path', 'user@evil.example', 'evil.example:443:443', 'a b', '', 'evil.example:99999x']) {
      const { text, closed } = await rawExchange(ports.redirect, `GET /x HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      const response = parseResponse(text);
      assert.equal(response.status, 400, JSON.stringify(host));
      assert.equal(response.headers['x-padda-error'], 'bad_host');
      assert.equal(response.headers.location, undefined);
      assert.ok(closed, 'the connection is closed after the 400');
    }
    const noHost = parseResponse((await rawExchange(ports.redirect, 'GET /x HTTP/1.0\r\n\r\n')).text);
    assert.equal(noHost.headers['x-padda-error'], 'bad_host', 'HTTP/1.0 without a Host');
    const absolute = parseResponse((await rawExchange(ports.redirect, 'GET http://[::1]:8080/x?y HTTP/1.1\r\nHost: ignored\r\nConnection: close\r\n\r\n')).text);
    assert.equal(absolute.headers.location, `https://[::1]:${ports.tls}/x?y`, 'an absolute-form target names the host');
  });

  test('failed handshakes are counted by reason', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${ports.admin}/metrics`)).text();
    assert.match(metrics, /padda_listener_errors_total\{listener="web",mode="sidecar",reason="plain_http_to_tls_port"\} [1-9]/);
    assert.match(metrics, /padda_listener_errors_total\{listener="web",mode="sidecar",reason="tls_handshake_timeout"\} [1-9]/);
    assert.match(metrics, /padda_tls_handshakes_total\{listener="web",resumed="true"\} [1-9]/);
    assert.match(metrics, /padda_tls_certificate_expiry_timestamp_seconds\{listener="web",certificate="[^"]+tls\.crt"\} \d+/);
    assert.match(metrics, /padda_tls_certificate_reloads_total\{listener="web",result="rejected"\} [1-9]/);
  });
});
