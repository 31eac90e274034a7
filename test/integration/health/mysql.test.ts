import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startMariaDb, type MariaDb } from '../../support/mariadb.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startSilentServer, type SilentServer } from '../../support/silent-server.ts';
import { checkReport, waitForCheck } from './probe.ts';

/** The book's db-check against a real MariaDB (Debian's mariadb-server), through mysql2. */
describe('health: mysql checks against MariaDB', () => {
  let db: MariaDb;
  let silent: SilentServer;
  let padda: PaddaProcess;
  let port: number;
  let admin: number;

  before(async () => {
    [db, silent] = await Promise.all([startMariaDb(), startSilentServer()]);
    [port, admin] = (await freePorts(2)) as [number, number];
    const mysql = `type: mysql, address: "127.0.0.1:${db.port}", user: ${db.user}`;
    padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  db-check:
    mode: health
    listen: 127.0.0.1:${port}
    interval: 200ms
    timeout: 2s
    checks:
      db: { ${mysql}, password: ${db.password} }
      users: { ${mysql}, password: ${db.password}, query: "SELECT user FROM mysql.user" }
      wrong-password: { ${mysql}, password: not-the-password }
      bad-query: { ${mysql}, password: ${db.password}, query: "SELECT * FROM no_such_db.t" }
      hanging: { type: mysql, address: "127.0.0.1:${silent.port}", user: padda, timeout: 300ms }
      slow: { ${mysql}, password: ${db.password}, query: "SELECT SLEEP(1)", interval: 100ms, timeout: 10s }
`);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 30_000);
  });

  after(async () => {
    await padda?.stop();
    await Promise.all([db?.stop(), silent?.close()]);
  });

  test('a passing query answers 200 "OK", and ?verbose shows the run', async () => {
    await waitForCheck(port, 'db', (r) => r.status === 'pass');
    await waitForCheck(port, 'users', (r) => r.status === 'pass');
    const plain = await get(`http://127.0.0.1:${port}/db`);
    assert.equal(plain.status, 200);
    assert.equal(plain.body, 'OK\n');
    assert.equal(plain.headers['cache-control'], 'no-store');
    const report = await checkReport(port, 'users');
    assert.equal(report.http, 200);
    assert.equal(report.status, 'pass');
    assert.equal(report.type, 'mysql');
    assert.equal(report.target, `127.0.0.1:${db.port}`);
    assert.ok((report.details.rows as number) >= 2, `rows of mysql.user: ${JSON.stringify(report.details)}`);
    assert.ok(report.latency_ms! > 0 && report.latency_ms! < 2000);
    assert.ok(report.age_ms! >= 0 && report.age_ms! < 1000);
  });

  test('a wrong password fails with the server\'s own refusal', async () => {
    await waitForCheck(port, 'wrong-password', (r) => /^ER_ACCESS_DENIED_ERROR/.test(r.reason ?? ''));
    const plain = await get(`http://127.0.0.1:${port}/wrong-password`);
    assert.equal(plain.status, 503);
    assert.match(plain.body, /^FAIL\nwrong-password: ER_ACCESS_DENIED_ERROR: Access denied for user 'padda'@'127\.0\.0\.1' \(using password: YES\)\n$/);
  });

  test('a query the server refuses fails the check', async () => {
    const report = await waitForCheck(port, 'bad-query', (r) => /ER_BAD_DB_ERROR|ER_TABLEACCESS_DENIED_ERROR|ER_NO_SUCH_TABLE/.test(r.reason ?? ''));
    assert.equal(report.status, 'fail');
  });

  test('a server that accepts and never answers fails by timeout; probes still answer at once', async () => {
    const report = await waitForCheck(port, 'hanging', (r) => r.consecutive_failures >= 2);
    assert.equal(report.reason, 'timed out after 300 ms');
    assert.ok(report.latency_ms! >= 290 && report.latency_ms! < 1000, `latency ${report.latency_ms}`);
    assert.ok(silent.accepted() >= 2, 'each run made its own connection');
    const started = performance.now();
    for (let i = 0; i < 20; i++) assert.equal((await get(`http://127.0.0.1:${port}/hanging`)).status, 503);
    assert.ok(performance.now() - started < 2000, 'probes answer from cached results, not by waiting on the check');
  });

  test('/ is 503 naming every failing check and why', async () => {
    const { status, body } = await get(`http://127.0.0.1:${port}/`);
    assert.equal(status, 503);
    const lines = body.trimEnd().split('\n');
    assert.equal(lines[0], 'FAIL');
    assert.deepEqual(lines.slice(1).map((line) => line.split(':')[0]).sort(), ['bad-query', 'hanging', 'wrong-password'], body);
  });

  test('metrics per check, valid Prometheus', async () => {
    const { body } = await get(`http://127.0.0.1:${admin}/metrics`);
    execFileSync('promtool', ['check', 'metrics'], { input: body });
    assert.match(body, /^padda_health_check_up\{listener="db-check",check="db",type="mysql"\} 1$/m);
    assert.match(body, /^padda_health_check_up\{listener="db-check",check="wrong-password",type="mysql"\} 0$/m);
    assert.match(body, /^padda_health_check_runs_total\{listener="db-check",check="hanging",result="timeout"\} [1-9]\d*$/m);
    assert.match(body, /^padda_health_check_runs_total\{listener="db-check",check="db",result="pass"\} [1-9]\d*$/m);
    assert.match(body, /^padda_health_check_duration_seconds_count\{listener="db-check",check="db"\} [1-9]\d*$/m);
    // slow takes 1 s every 100 ms: the runs due while one is in flight are skipped, never stacked.
    assert.match(body, /^padda_health_check_skipped_total\{listener="db-check",check="slow"\} [1-9]\d*$/m);
  });

  test('MariaDB restarting mid-check: the run in flight fails, the check passes again once the server is back', async () => {
    await waitForCheck(port, 'slow', (r) => r.status === 'pass');
    const since = padda.logs().length;
    await db.halt();
    const failed = await waitForCheck(port, 'db', (r) => r.status === 'fail');
    // A run in flight when MariaDB stops loses its connection; the next ones are refused.
    assert.match(failed.reason!, /ECONNREFUSED|PROTOCOL_CONNECTION_LOST/);
    const slow = await waitForCheck(port, 'slow', (r) => r.status === 'fail');
    // SIGTERM makes MariaDB close its clients: the SLEEP in flight ends with the connection lost, not a timeout.
    assert.match(slow.last_error!.message, /closed|lost|ECONNREFUSED/i);
    assert.doesNotMatch(slow.last_error!.message, /timed out/);
    await padda.waitForLog(/health check fails/, since);
    await db.start();
    await waitForCheck(port, 'db', (r) => r.status === 'pass', 30_000);
    await waitForCheck(port, 'slow', (r) => r.status === 'pass', 30_000);
    await padda.waitForLog(/health check passes/, since);
  });
});
