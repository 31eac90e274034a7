import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { adopt } from '../support/reaper.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-demo-test-'));
/** Every process a test saw, killed at the end whatever happened, so a failure leaks nothing. */
const seen: number[] = [];
after(() => {
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The live processes below `pid` (zombies count as gone), with their program names. */
function descendants(pid: number): Array<{ pid: number; comm: string }> {
  const parentOf = new Map<number, { ppid: number; comm: string; zombie: boolean }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ")".
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      parentOf.set(Number(entry), { ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, close), zombie: state === 'Z' });
    } catch {
      // exited while we looked
    }
  }
  const found: Array<{ pid: number; comm: string }> = [];
  const walk = (parent: number) => {
    for (const [child, info] of parentOf) {
      if (info.ppid !== parent) continue;
      if (!info.zombie) found.push({ pid: child, comm: info.comm });
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids;
  while (Date.now() < deadline) {
    left = left.filter(alive);
    if (left.length === 0) return [];
    await sleep(100);
  }
  return left;
}

async function demoConfig(): Promise<{ file: string; admin: number }> {
  const [admin, cache, r1, r2, mc, m1, web] = (await freePorts(7)) as number[];
  const file = path.join(dir, `demo-${admin}.yaml`);
  fs.writeFileSync(file, `
admin: { listen: 127.0.0.1:${admin} }
drain_timeout: 2s
listeners:
  cache: { mode: redis, listen: 127.0.0.1:${cache}, servers: [127.0.0.1:${r1}:1, 127.0.0.1:${r2}:1] }
  memcache: { mode: memcache, listen: 127.0.0.1:${mc}, servers: [127.0.0.1:${m1}:1] }
  web: { mode: respond, listen: 127.0.0.1:${web}, body: hi }
`);
  return { file, admin: admin! };
}

let output = '';

/** Starts the demo and waits until its backends run; returns every process under `child`. */
async function startDemo(child: ChildProcess, admin: number): Promise<Array<{ pid: number; comm: string }>> {
  adopt(child.pid!);
  output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  const below = descendants(child.pid!);
  seen.push(...below.map((p) => p.pid));
  const programs = below.map((p) => p.comm).sort();
  assert.equal(programs.filter((c) => c === 'redis-server').length, 2, programs.join(' '));
  assert.equal(programs.filter((c) => c === 'memcached').length, 1, programs.join(' '));
  return below;
}

test('killing npm start (SIGTERM to npm, as a process manager does) stops padda and the demo backends', async () => {
  const { file, admin } = await demoConfig();
  const npm = spawn('npm', ['start', '--', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const below = await startDemo(npm, admin);
  npm.kill('SIGTERM');
  const left = await waitGone(below.map((p) => p.pid), 15_000);
  npm.stdout!.destroy();
  npm.stderr!.destroy();
  assert.deepEqual(below.filter((p) => left.includes(p.pid)), [], 'processes outlived npm start');
  // The signal reached padda, which drained and stopped (rather than dying of a broken pipe).
  assert.match(output, /"signal":"SIGTERM".*"msg":"stopping: draining in-flight work"/);
  assert.match(output, /"msg":"stopped"/);
});

test('a SIGKILLed padda takes the demo backends with it', async () => {
  const { file, admin } = await demoConfig();
  const padda = spawn(process.execPath, [path.join(ROOT, 'bin/padda'), 'demo', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const below = await startDemo(padda, admin);
  padda.kill('SIGKILL');
  const left = await waitGone(below.map((p) => p.pid), 10_000);
  padda.stdout!.destroy();
  padda.stderr!.destroy();
  assert.deepEqual(below.filter((p) => left.includes(p.pid)), [], 'backends outlived padda');
});
