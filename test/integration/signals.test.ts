import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getOnce } from '../support/load.ts';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

function config(admin: number, app: number, workers: number, body: string): string {
  return `
admin: { listen: 127.0.0.1:${admin} }
workers: ${workers}
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: ${body} }
`;
}

/** The JSON lines of a log file (none if it does not exist). */
function fileLogs(file: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function waitForFileLog(file: string, match: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fileLogs(file).some(match)) return;
    await sleep(50);
  }
  assert.fail(`no matching line in ${file}:\n${fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(no file)'}`);
}

test('SIGHUP under logrotate: every process, workers included, writes to a new log file of the same name (-o, as nutcracker)', async () => {
  const [admin, app] = (await freePorts(2)) as [number, number];
  let padda: PaddaProcess | null = null;
  const dir = fs.mkdtempSync(path.join('/tmp', 'padda-logs-'));
  const log = path.join(dir, 'padda.log');
  try {
    padda = startPadda(config(admin, app, 2, 'v1'), ['-o', log]);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 20_000);
    assert.ok(fileLogs(log).some((l) => l.msg === 'padda started'));
    assert.equal(padda.logs().length, 0, 'log lines went to stdout instead of the file');

    fs.renameSync(log, `${log}.1`);
    padda.writeConfig(config(admin, app, 2, 'v2'));
    padda.signal('SIGHUP');
    await waitForFileLog(log, (l) => l.msg === 'config reloaded');
    const reloadedBy = new Set(fileLogs(log).filter((l) => l.msg === 'listener reloaded').map((l) => l.worker));
    await waitForFileLog(log, (l) => l.msg === 'listener reloaded' && !reloadedBy.has(l.worker) || reloadedBy.size === 2);
    assert.deepEqual([...new Set(fileLogs(log).filter((l) => l.msg === 'listener reloaded').map((l) => l.worker))].sort(), [1, 2]);
    assert.ok(!fileLogs(`${log}.1`).some((l) => l.msg === 'config reloaded'), 'a line went to the rotated file after SIGHUP');
    assert.equal((await getOnce(app)).body, 'v2');
  } finally {
    await padda?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP with an unchanged config reloads to nothing: connections stay, no listener is touched', async () => {
  const [admin, app] = (await freePorts(2)) as [number, number];
  const padda = startPadda(config(admin, app, 1, 'same'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const viaAgent = () =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: app, agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk)).on('end', () => resolve(body));
      }).on('error', reject);
    });
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    assert.equal(await viaAgent(), 'same');
    const socket = Object.values(agent.freeSockets)[0]?.[0];
    const since = padda.logs().length;
    padda.signal('SIGHUP');
    await padda.waitForLog(/^config reloaded$/, since);
    assert.deepEqual(padda.logs().slice(since).filter((l) => /^listener /.test(String(l.msg))), []);
    assert.equal(await viaAgent(), 'same');
    assert.equal(Object.values(agent.freeSockets)[0]?.[0], socket, 'the keep-alive connection was replaced');
  } finally {
    agent.destroy();
    await padda.stop();
  }
});

async function waitForLevel(level: () => Promise<string>, wanted: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await level()) !== wanted) {
    if (Date.now() > deadline) assert.fail(`log level never became ${wanted}`);
    await sleep(50);
  }
}

test('SIGTTIN and SIGTTOU raise and lower the log level one step, in every worker, and it outlasts a reload', async () => {
  const [admin, app] = (await freePorts(2)) as [number, number];
  const padda = startPadda(config(admin, app, 2, 'v1'), [], { PADDA_LOG_LEVEL: 'info' });
  const level = async () => JSON.parse((await get(`http://127.0.0.1:${admin}/config`)).body).log.level as string;
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 20_000);
    padda.signal('SIGTTIN');
    const raised = await padda.waitForLog(/^log level changed$/);
    assert.deepEqual([raised.from, raised.to, raised.signal], ['info', 'debug', 'SIGTTIN']);
    assert.equal(await level(), 'debug');

    // Two steps down from debug: warn. Info lines (a worker's "listener reloaded") stop everywhere.
    // One signal at a time: the kernel keeps one pending signal of a kind, not a count.
    padda.signal('SIGTTOU');
    await waitForLevel(level, 'info');
    padda.signal('SIGTTOU');
    await waitForLevel(level, 'warn');
    const since = padda.logs().length;
    padda.writeConfig(config(admin, app, 2, 'v2'));
    padda.signal('SIGHUP');
    const deadline = Date.now() + 15_000;
    while ((await getOnce(app)).body !== 'v2' && Date.now() < deadline) await sleep(50);
    assert.equal((await getOnce(app)).body, 'v2');
    await sleep(300);
    assert.deepEqual(padda.logs().slice(since).filter((l) => Number(l.level) < 40).map((l) => l.msg), []);
    assert.equal(await level(), 'warn', 'a reload put back the config\'s level');
  } finally {
    await padda.stop();
  }
});
