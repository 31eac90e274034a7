import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startMemcached, startRedis, type RunningServer } from '../../support/servers.ts';
import { startSilentServer, type SilentServer } from '../../support/silent-server.ts';
import { checkReport, waitForCheck } from './probe.ts';

/** redis and memcache checks against real redis-server and memcached, and their failures. */
describe('health: redis and memcache checks', () => {
  let plain: RunningServer;
  let guarded: RunningServer;
  let master: RunningServer;
  let replica: RunningServer;
  let memcached: RunningServer;
  let doomed: RunningServer;
  let silent: SilentServer;
  let padda: PaddaProcess;
  let port: number;
  let admin: number;

  before(async () => {
    silent = await startSilentServer();
    plain = await startRedis();
    // ACL users on the command line: each word of the rule its own argument (redis joins them into one config line).
    guarded = await startRedis({ args: ['--requirepass', 'secret', '--user', 'health', 'on', '>hpass', '~*', '+ping', '+info'] });
    master = await startRedis();
    memcached = await startMemcached();
    doomed = await startMemcached();
    replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    [port, admin] = (await freePorts(2)) as [number, number];
    const at = (server: { port: number }) => `"127.0.0.1:${server.port}"`;
    padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  adapter:
    mode: health
    listen: 127.0.0.1:${port}
    interval: 200ms
    timeout: 2s
    checks:
      ping: { type: redis, address: ${at(plain)} }
      password: { type: redis, address: ${at(guarded)}, password: secret }
      acl-user: { type: redis, address: ${at(guarded)}, user: health, password: hpass }
      wrong-password: { type: redis, address: ${at(guarded)}, password: wrong }
      no-password: { type: redis, address: ${at(guarded)} }
      is-master: { type: redis, address: ${at(master)}, role: master }
      master-as-replica: { type: redis, address: ${at(master)}, role: replica }
      replica: { type: redis, address: ${at(replica)}, role: replica, max_lag: 30s }
      redis-hanging: { type: redis, address: "127.0.0.1:${silent.port}", timeout: 500ms }
      version: { type: memcache, address: ${at(memcached)} }
      round-trip: { type: memcache, address: ${at(memcached)}, round_trip: true }
      memcached-stopped: { type: memcache, address: ${at(doomed)} }
      memcache-hanging: { type: memcache, address: "127.0.0.1:${silent.port}", round_trip: true, timeout: 500ms }
`);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 20_000);
  });

  // On a loaded machine one run may time out or go stale: wait for the state rather than read it once.
  const passes = (name: string) => waitForCheck(port, name, (r) => r.status === 'pass');
  const failsWith = (name: string, reason: RegExp) => waitForCheck(port, name, (r) => r.status === 'fail' && reason.test(r.reason ?? ''));

  after(async () => {
    await padda?.stop();
    await Promise.all([plain, guarded, master, replica, memcached, doomed].map((s) => s?.stop()));
    await silent?.close();
  });

  test('PING passes; AUTH with a password and as an ACL user', async () => {
    for (const name of ['ping', 'password', 'acl-user']) await passes(name);
    assert.equal((await checkReport(port, 'ping')).http, 200);
  });

  test('a wrong or missing password fails with Redis\'s own error', async () => {
    await failsWith('wrong-password', /^AUTH: WRONGPASS invalid username-password pair/);
    await failsWith('no-password', /^PING: NOAUTH Authentication required/);
  });

  test('role: a master passes as master and fails as replica; a linked replica passes within max_lag', async () => {
    assert.equal((await passes('is-master')).details.role, 'master');
    await failsWith('master-as-replica', /^role is master, not replica$/);
    const linked = await passes('replica');
    assert.equal(linked.details.master_link_status, 'up');
    assert.ok((linked.details.lag_seconds as number) <= 30);
  });

  test('a replica whose master went away fails: the link is down', async () => {
    await master.stop();
    await failsWith('replica', /^link to master is down$/);
    await failsWith('is-master', /ECONNREFUSED/);
  });

  test('memcache: version passes and shows it; the round trip leaves no key behind', async () => {
    const version = await passes('version');
    assert.match(String(version.details.version), /^1\.\d+\.\d+/);
    const roundTrip = await waitForCheck(port, 'round-trip', (r) => r.consecutive_successes >= 3);
    assert.equal(roundTrip.status, 'pass');
    const stats = await memcachedStats(memcached.port);
    assert.ok(Number(stats.get('cmd_set')) >= 3, 'the round trip stored its key');
    assert.equal(stats.get('curr_items'), '0', 'and deleted it');
  });

  test('memcached stopped: the check fails with the refused connection', async () => {
    await passes('memcached-stopped');
    await doomed.stop();
    // A run in flight as memcached exits sees the connection closed; the next ones are refused.
    const report = await waitForCheck(port, 'memcached-stopped', (r) => r.status === 'fail' && /ECONNREFUSED/.test(r.reason!));
    assert.match(report.reason!, /connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });

  test('servers that accept and never answer fail by timeout', async () => {
    for (const name of ['redis-hanging', 'memcache-hanging']) await failsWith(name, /^timed out after 500 ms$/);
  });
});

function memcachedStats(port: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.endsWith('END\r\n')) {
        socket.destroy();
        resolve(new Map(text.split('\r\n').filter((l) => l.startsWith('STAT ')).map((l) => l.split(' ').slice(1, 3) as [string, string])));
      }
    });
    socket.on('error', reject);
    socket.write('stats\r\n');
  });
}
