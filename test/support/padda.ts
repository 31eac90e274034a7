import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adopt, release } from './reaper.ts';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;

export interface PaddaProcess {
  child: ChildProcess;
  dir: string;
  configPath: string;
  /** Everything written to stdout (JSON logs) and stderr so far. */
  output(): string;
  logs(): Array<Record<string, unknown>>;
  writeConfig(text: string): void;
  signal(name: NodeJS.Signals): void;
  /** Waits for a log line whose `msg` matches, counting only lines after `since` lines. */
  waitForLog(match: RegExp, since?: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Runs padda as a real process on a config written to a fresh temp dir, with `files` (name → text) beside it. */
export function startPadda(configText: string, args: string[] = [], env: Record<string, string> = {}, files: Record<string, string> = {}): PaddaProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-test-'));
  const configPath = path.join(dir, 'padda.yaml');
  fs.writeFileSync(configPath, configText);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const child = spawn(process.execPath, [BIN, 'run', '--config', configPath, ...args], {
    env: { ...process.env, PADDA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) {
    const pid = child.pid;
    adopt(pid, dir);
    child.once('exit', () => release(pid));
  }
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    child,
    dir,
    configPath,
    output: () => output,
    logs,
    writeConfig(text) {
      // Write then rename, as editors and Kubernetes do, so padda never reads half a file.
      const temp = `${configPath}.tmp`;
      fs.writeFileSync(temp, text);
      fs.renameSync(temp, configPath);
    },
    signal(name) {
      child.kill(name);
    },
    async waitForLog(match, since = 0, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = logs().slice(since).find((line) => match.test(String(line.msg)));
        if (found) return found;
        if (child.exitCode !== null) break;
        await sleep(20);
      }
      throw new Error(`no log line matching ${match} within ${timeoutMs} ms; output:\n${output}`);
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GET over plain HTTP with undici, returning status and body text. */
export async function get(url: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { request } = await import('undici');
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text(), headers: response.headers };
}

/** Polls `url` until it answers `status` (readiness, usually). */
export async function waitForStatus(url: string, status = 200, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await get(url);
      if (response.status === status) return;
      last = `${response.status} ${response.body}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}
