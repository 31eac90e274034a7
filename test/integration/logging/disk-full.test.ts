/**
 * The access log on a full disk, through a real padda: a 64 KiB tmpfs (root
 * mounts it; CI runs as root) fills up under a stream of requests. Every
 * request is still answered; the lines the disk cannot take are dropped and
 * counted, the write errors too; once there is room again (logrotate moved
 * the file away and sent SIGUSR1), lines are written again.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { startTestApp, type TestApp } from '../../support/http-app.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

let mount: string;
let mounted = false;
let app: TestApp;
let padda: PaddaProcess;
let port: { web: number; admin: number };
let log: string;

before(async () => {
  mount = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], { stdio: 'pipe' });
    mounted = true;
  } catch {
    return;
  }
  log = path.join(mount, 'access.log');
  app = await startTestApp();
  const [web, admin] = (await freePorts(2)) as [number, number];
  port = { web, admin };
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  web:
    mode: sidecar
    listen: 127.0.0.1:${web}
    upstream: http://127.0.0.1:${app.port}
    access_log: { path: ${log}, buffer: 16kb }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await app?.close();
  if (mounted) execFileSync('umount', [mount]);
  fs.rmSync(mount, { recursive: true, force: true });
});

async function counter(name: string): Promise<number> {
  const text = await (await request(`http://127.0.0.1:${port.admin}/metrics`)).body.text();
  const match = new RegExp(`^${name}\\{destination="${log.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

test('a full disk drops and counts lines, never a request; logging resumes once there is room', async (t) => {
  if (!mounted) return t.skip('mounting a tmpfs needs root');
  const dispatcher = new Agent({ connections: 8 });
  try {
    // 1500 lines of ~350 bytes: eight times what 64 KiB hold.
    for (let round = 0; round < 30; round++) {
      const statuses = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
        const response = await request(`http://127.0.0.1:${port.web}/echo?round=${round}&i=${i}&pad=${'x'.repeat(120)}`, { dispatcher });
        await response.body.dump();
        return response.statusCode;
      }));
      assert.deepEqual(new Set(statuses), new Set([200]), 'every request answered');
    }
    let written = 0;
    let dropped = 0;
    for (let i = 0; i < 100 && written + dropped < 1500; i++) {
      await sleep(50);
      [written, dropped] = [await counter('padda_log_lines_total'), await counter('padda_log_dropped_lines_total')];
    }
    assert.equal(written + dropped, 1500, 'every line written or dropped');
    assert.ok(dropped > 0, 'the disk could not take them all');
    assert.ok(await counter('padda_log_write_errors_total') >= 1, 'the failed write was counted');
    assert.equal(fs.readFileSync(log, 'utf8').split('\n').length - 1, written, 'a line counts as written once its newline is on disk');
    // logrotate moves the file away (here: off the full disk), then SIGUSR1.
    fs.unlinkSync(log);
    padda.signal('SIGUSR1');
    await sleep(1500);
    for (let i = 0; i < 5; i++) await (await request(`http://127.0.0.1:${port.web}/echo?after=${i}`, { dispatcher })).body.dump();
    let lines: string[] = [];
    for (let i = 0; i < 100 && lines.length < 5; i++) {
      await sleep(50);
      lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(0, -1) : [];
    }
    assert.deepEqual(lines.map((line) => JSON.parse(line).target), [0, 1, 2, 3, 4].map((i) => `/echo?after=${i}`));
  } finally {
    await dispatcher.close();
  }
});
