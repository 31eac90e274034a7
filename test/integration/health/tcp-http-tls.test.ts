import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { createCa, issue, opensslDate } from '../../support/certs.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startBlackHole, startSilentServer, type BlackHole, type SilentServer } from '../../support/silent-server.ts';
import { waitForCheck } from './probe.ts';

async function tlsServer(cert: string, key: string): Promise<tls.Server> {
  const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (socket) => socket.end());
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

describe('health: tcp, http and tls checks', () => {
  let dir: string;
  let fresh: tls.Server;
  let expired: tls.Server;
  let silent: SilentServer;
  let hole: BlackHole;
  let padda: PaddaProcess;
  let port: number;
  let admin: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-health-tls-'));
    const ca = createCa(dir);
    const good = issue(ca, { names: ['app.test', '127.0.0.1'], file: 'good' });
    const old = issue(ca, { names: ['app.test'], file: 'old', startDate: opensslDate(new Date(Date.now() - 3 * 86_400_000)), endDate: opensslDate(new Date(Date.now() - 86_400_000)) });
    fresh = await tlsServer(good.cert, good.key);
    expired = await tlsServer(old.cert, old.key);
    silent = await startSilentServer();
    hole = await startBlackHole();
    const [p, a, ok, broken, refused] = (await freePorts(5)) as [number, number, number, number, number];
    [port, admin] = [p, a];
    const tlsAt = (server: net.Server) => `"127.0.0.1:${portOf(server)}"`;
    padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app:
    mode: respond
    listen: 127.0.0.1:${ok}
    body: '{"status":"healthy"}'
  broken-app:
    mode: respond
    listen: 127.0.0.1:${broken}
    status: 500
    body: database unreachable
  adapter:
    mode: health
    listen: 127.0.0.1:${port}
    interval: 250ms
    timeout: 2s
    checks:
      tcp: { type: tcp, address: "127.0.0.1:${ok}" }
      tcp-refused: { type: tcp, address: "127.0.0.1:${refused}" }
      tcp-hanging: { type: tcp, address: "127.0.0.1:${hole.port}", timeout: 400ms }
      http: { type: http, url: "http://127.0.0.1:${ok}/healthz", body: '"status":"healthy"' }
      http-500: { type: http, url: "http://127.0.0.1:${broken}/healthz" }
      http-500-expected: { type: http, url: "http://127.0.0.1:${broken}/", status: [500, 503] }
      http-wrong-body: { type: http, url: "http://127.0.0.1:${ok}/", body: "^OK$" }
      http-hanging: { type: http, url: "http://127.0.0.1:${silent.port}/", timeout: 400ms }
      tls: { type: tls, address: ${tlsAt(fresh)}, server_name: app.test, ca: ca.crt }
      tls-by-ip: { type: tls, address: ${tlsAt(fresh)}, ca: ca.crt }
      tls-unknown-ca: { type: tls, address: ${tlsAt(fresh)}, server_name: app.test }
      tls-wrong-name: { type: tls, address: ${tlsAt(fresh)}, server_name: other.test, ca: ca.crt }
      tls-expiring: { type: tls, address: ${tlsAt(fresh)}, server_name: app.test, ca: ca.crt, min_days: 14 }
      tls-expired: { type: tls, address: ${tlsAt(expired)}, server_name: app.test, verify: false }
      tls-hanging: { type: tls, address: "127.0.0.1:${silent.port}", verify: false, timeout: 400ms }
`, [], {}, { 'ca.crt': fs.readFileSync(ca.cert, 'utf8') });
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 20_000);
  });

  // On a loaded machine one run may time out or go stale: wait for the state rather than read it once.
  const passes = (name: string) => waitForCheck(port, name, (r) => r.status === 'pass');
  const failsWith = (name: string, reason: RegExp) => waitForCheck(port, name, (r) => r.status === 'fail' && reason.test(r.reason ?? ''));

  after(async () => {
    await padda?.stop();
    hole?.stop();
    await silent?.close();
    fresh?.close();
    expired?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('tcp: an accepting port passes, a refusing one fails, one whose connect hangs times out', async () => {
    await passes('tcp');
    await failsWith('tcp-refused', /ECONNREFUSED/);
    await failsWith('tcp-hanging', /^timed out after 400 ms$/);
  });

  test('http: status and body pattern decide; the status is shown', async () => {
    assert.equal((await passes('http')).details.status, 200);
    await failsWith('http-500', /^status 500, expected 2xx or 3xx$/);
    await passes('http-500-expected');
    await failsWith('http-wrong-body', /^body does not match \/\^OK\$\/$/);
    await failsWith('http-hanging', /^timed out after 400 ms$/);
  });

  test('tls: a verified certificate passes with its days left; by IP it is checked against the IP', async () => {
    for (const name of ['tls', 'tls-by-ip']) {
      const report = await passes(name);
      assert.equal(report.details.subject, 'app.test');
      const days = report.details.days_left as number;
      assert.ok(days > 1.8 && days <= 2, `days_left ${days}`);
    }
  });

  test('tls: an unknown CA, a wrong name, too few days left, an expired certificate and a silent server fail', async () => {
    await failsWith('tls-unknown-ca', /unable to (get local issuer|verify)/);
    await failsWith('tls-wrong-name', /Hostname\/IP does not match certificate's altnames: Host: other\.test/);
    const expiring = await failsWith('tls-expiring', /^certificate expires in 1\.\d days \(min_days 14\)$/);
    assert.ok(typeof expiring.details.days_left === 'number', 'details survive a failure');
    await failsWith('tls-expired', /^certificate expired on \d{4}-/);
    await failsWith('tls-hanging', /^timed out after 400 ms$/);
  });
});
