import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getOnce, runLoad } from '../support/load.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

let padda: PaddaProcess;
let admin: number;
let app: number;

interface WorkerStats {
  workers: number;
  listeners: { app: { requests_total: number; workers: Record<string, unknown> } };
}

async function stats(): Promise<WorkerStats> {
  return JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body) as WorkerStats;
}

before(async () => {
  [admin, app] = (await freePorts(2)) as [number, number];
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
workers: 2
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: hi }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(() => padda.stop());

test('two workers share the port and /metrics sums their counters', async () => {
  for (let i = 0; i < 200; i++) assert.equal((await getOnce(app)).body, 'hi');
  const s = await stats();
  assert.equal(s.workers, 2);
  assert.deepEqual(Object.keys(s.listeners.app.workers).sort(), ['worker-1', 'worker-2']);
  assert.equal(s.listeners.app.requests_total, 200);
  const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
  assert.match(metrics, /^padda_listener_requests_total\{listener="app",mode="respond"\} 200$/m);
  assert.match(metrics, /^process_resident_memory_bytes\{process="worker-1"\} \d+/m);
  assert.match(metrics, /^process_resident_memory_bytes\{process="worker-2"\} \d+/m);
});

test('a crashed worker is restarted with the current config and the port keeps serving', async () => {
  const pids = padda.logs().filter((l) => l.msg === 'listener started' && l.listener === 'app').map((l) => Number(l.pid));
  assert.equal(new Set(pids).size, 2);
  const load = runLoad(app, 4, (status, body) => status === 200 && body === 'hi');
  const since = padda.logs().length;
  process.kill(pids[0]!, 'SIGKILL');
  await padda.waitForLog(/worker exited; restarting/, since);
  const restarted = await padda.waitForLog(/^listener started$/, since);
  assert.notEqual(Number(restarted.pid), pids[0]);
  await sleep(300);
  const result = await load.stop();
  // Connections the kernel had already queued on the killed worker's socket die with it;
  // everything else must succeed.
  assert.ok(result.ok > 50, `only ${result.ok} requests`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  assert.deepEqual(Object.keys((await stats()).listeners.app.workers).sort(), ['worker-1', 'worker-2']);
});

test('SIGHUP reaches every worker', async () => {
  const since = padda.logs().length;
  padda.writeConfig(`
admin: { listen: 127.0.0.1:${admin} }
workers: 2
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: reloaded }
`);
  padda.signal('SIGHUP');
  await padda.waitForLog(/^config reloaded$/, since);
  const reloadedIn = padda.logs().slice(since).filter((l) => l.msg === 'listener reloaded').map((l) => l.pid);
  assert.equal(new Set(reloadedIn).size, 2);
  for (let i = 0; i < 20; i++) assert.equal((await getOnce(app)).body, 'reloaded');
});

test('SIGTERM stops every worker and the supervisor exits 0', async () => {
  padda.signal('SIGTERM');
  assert.deepEqual(await padda.exited, { code: 0, signal: null });
  assert.equal(padda.logs().filter((l) => l.msg === 'worker stopped').length, 2);
});
