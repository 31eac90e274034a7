/**
 * A real MariaDB server (Debian's mariadb-server) for tests: a fresh data
 * directory made by mariadb-install-db, mariadbd on 127.0.0.1 and a free
 * port, and a user `padda` (password `secret`, SELECT on everything) made by
 * an init file at every start. It can be stopped and started again on the
 * same port and data, as a restart in a pod would.
 *
 *   const db = await startMariaDb();
 *   … user: db.user, password: db.password, address: `127.0.0.1:${db.port}` …
 *   await db.restart();
 *   await db.stop();
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';
import { LOOPBACK, startProcess, tempDir, type RunningServer } from './servers.ts';

export interface MariaDb {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The server now running (its pid changes on restart). */
  readonly server: RunningServer;
  /** Stops the server (SIGTERM: it finishes and closes its clients' connections) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server but keeps the data, for a later start(). */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

const USER = 'padda';
const PASSWORD = 'secret';

export async function startMariaDb(): Promise<MariaDb> {
  const port = await freePort();
  const data = await mkdtemp(path.join(os.tmpdir(), 'padda-mariadb-data-'));
  await promisify(execFile)('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal',
    '--skip-test-db', `--user=${os.userInfo().username}`]);
  const init = path.join(data, 'padda-init.sql');
  await writeFile(init, `CREATE USER IF NOT EXISTS '${USER}'@'%' IDENTIFIED BY '${PASSWORD}';\nGRANT SELECT ON *.* TO '${USER}'@'%';\n`);
  let server: RunningServer | null = null;
  const start = async () => {
    const dir = await tempDir('mariadb');
    server = await startProcess({
      label: `mariadbd:${port}`,
      command: 'mariadbd',
      args: ['--no-defaults', `--datadir=${data}`, `--port=${port}`, `--bind-address=${LOOPBACK}`, `--socket=${dir}/mysqld.sock`,
        `--pid-file=${dir}/mysqld.pid`, `--user=${os.userInfo().username}`, '--skip-name-resolve', '--skip-log-bin',
        '--innodb-buffer-pool-size=16M', `--init-file=${init}`],
      ports: [port],
      dir,
      readyTimeoutMs: 30_000,
      stopTimeoutMs: 10_000,
    });
  };
  const halt = async () => {
    await server?.stop();
  };
  await start();
  return {
    port,
    user: USER,
    password: PASSWORD,
    get server() {
      return server!;
    },
    async restart() {
      await halt();
      await start();
    },
    halt,
    start,
    async stop() {
      await halt();
      await rm(data, { recursive: true, force: true });
    },
  };
}
