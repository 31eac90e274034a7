import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Set in the background copy that -d starts, so it serves instead of starting another. */
const DAEMON_CHILD = 'PADDA_DAEMONIZED';

/** Whether this process was asked to daemonize and is not yet the background copy. */
export function shouldDaemonize(asked: boolean | undefined): boolean {
  return asked === true && process.env[DAEMON_CHILD] !== '1';
}

/**
 * nutcracker -d: padda goes on as a background process in a session of its
 * own, detached from the terminal, with stdin, stdout and stderr on
 * /dev/null (log to a file with -o), and this process exits 0. The config was
 * checked before, so a broken one is reported here, not lost.
 */
export function daemonize(): never {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [DAEMON_CHILD]: '1' },
  });
  child.unref();
  process.exit(0);
}

/** nutcracker -p: the daemon's pid in a file, removed when it exits. */
export function writePidFile(file: string): void {
  fs.writeFileSync(file, `${process.pid}\n`);
  process.once('exit', () => fs.rmSync(file, { force: true }));
}
