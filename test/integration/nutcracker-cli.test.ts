import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { get, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { adopt, release } from '../support/reaper.ts';
import { startRedis } from '../support/servers.ts';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-nutcracker-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function padda(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

/** One whole answer of a port that writes and closes (twemproxy's stats port), or of one RESP command. */
function exchange(port: number, send = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(send));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (send !== '' && text.endsWith('\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

test('nutcracker\'s command line runs a pool as nutcracker does: -c -s -a -o -p -d -v -i -m', async () => {
  const redis = await startRedis();
  const [listen, stats, admin] = (await freePorts(3)) as [number, number, number];
  const conf = path.join(dir, 'nutcracker.yml');
  fs.writeFileSync(conf, `alpha:\n  listen: 127.0.0.1:${listen}\n  hash: fnv1a_64\n  distribution: ketama\n  redis: true\n  servers:\n    - 127.0.0.1:${redis.port}:1\n`);
  const [log, pidFile] = [path.join(dir, 'nutcracker.log'), path.join(dir, 'nutcracker.pid')];
  let pid = 0;
  try {
    // -d returns at once, as nutcracker's does, leaving the daemon in the background.
    const started = padda(['-c', conf, '-s', String(stats), '-a', '127.0.0.1', '-o', log, '-p', pidFile, '-v', '7', '-i', '30000', '-m', '16384', '-d'], { PADDA_ADMIN_LISTEN: `127.0.0.1:${admin}` });
    assert.equal(started.status, 0, started.stderr);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 20_000);
    pid = Number(fs.readFileSync(pidFile, 'utf8'));
    adopt(pid);
    assert.ok(pid > 0 && pid !== started.pid);

    assert.equal(await exchange(listen, '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'), '+OK\r\n');
    const report = JSON.parse(await exchange(stats)) as Record<string, unknown>;
    assert.equal(report.service, 'nutcracker');
    assert.ok(report.alpha, 'the pool is in the stats');
    assert.equal(JSON.parse((await get(`http://127.0.0.1:${admin}/config`)).body).log.level, 'debug');
    assert.ok(fs.readFileSync(log, 'utf8').includes('"msg":"padda started"'));

    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 200 && fs.existsSync(pidFile); i++) await sleep(50);
    assert.equal(fs.existsSync(pidFile), false, 'the pid file outlived the daemon');
  } finally {
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already stopped
      }
      release(pid);
    }
    await redis.stop();
  }
});

test('-t tests the config as nutcracker -t does; -V prints the version; -v takes nutcracker\'s numbers', () => {
  const good = path.join(dir, 'good.yml');
  fs.writeFileSync(good, 'alpha:\n  listen: 127.0.0.1:22121\n  servers:\n    - 127.0.0.1:11211:1\n');
  const ok = padda(['-t', '-c', good]);
  assert.equal(ok.status, 0);
  assert.equal(ok.stdout, '');
  assert.equal(ok.stderr, `padda: configuration file '${good}' syntax is ok\n`);
  const bad = path.join(dir, 'bad.yml');
  fs.writeFileSync(bad, 'alpha:\n  listen: 127.0.0.1:22121\n  servers:\n    - nowhere\n');
  const refused = padda(['--test-conf', '--conf-file', bad]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /bad\.yml:4:7 alpha\.servers\[0\]: /);
  assert.match(padda(['-V']).stdout, /^padda \d+\.\d+\.\d+\n$/);
  const verbose = padda(['-v', 'loud', '-t', '-c', good]);
  assert.equal(verbose.status, 64);
  assert.match(verbose.stderr, /-v takes a number from 0 to 11/);
});
