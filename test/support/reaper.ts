import { rmSync } from 'node:fs';

/**
 * Processes (and their temp dirs) a test started and has not stopped yet.
 * They are killed when the test process ends for any reason: normally, or
 * by a signal (a runner's timeout, Ctrl-C), which skips 'exit' handlers
 * unless the signal is caught — so no redis-server or padda outlives a
 * killed test run and holds its ports and CPU.
 */
const children = new Map<number, string | undefined>();

function reap(): void {
  for (const [pid, dir] of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
  children.clear();
}

process.once('exit', reap);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    reap();
    process.kill(process.pid, signal);
  });
}

export function adopt(pid: number, dir?: string): void {
  children.set(pid, dir);
}

export function release(pid: number): void {
  children.delete(pid);
}
