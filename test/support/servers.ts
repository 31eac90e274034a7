/**
 * Real servers for integration tests: redis-server, memcached, nutcracker
 * (twemproxy) and nginx, each started on 127.0.0.1 in its own temp dir, waited
 * for until every port it should listen on accepts a TCP connection, and
 * stopped by PID. No mocks: compatibility is tested against the real program.
 *
 * Typical use:
 *   let redis: RunningServer;
 *   before(async () => { redis = await startRedis(); });
 *   after(() => redis?.stop());
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';
import { adopt, release } from './reaper.ts';

export const LOOPBACK = '127.0.0.1';

export interface RunningServer {
  /** Short label used in error messages, e.g. `redis-server:40123`. */
  readonly label: string;
  readonly pid: number;
  readonly host: string;
  /** The first port the server listens on (the only one for redis/memcached). */
  readonly port: number;
  /** Every port that was waited for. */
  readonly ports: readonly number[];
  /** The server's private temp dir (config, logs, pid files); removed by stop(). */
  readonly dir: string;
  /** What the process wrote to stdout/stderr so far (last 64 KiB), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface ProcessSpec {
  label: string;
  command: string;
  args: string[];
  /** Ports on `host` that must accept connections before the server counts as started. */
  ports: number[];
  host?: string;
  dir: string;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * Spawns one program and waits until it listens. Fails fast (with the
 * program's own output) if it exits before it is ready, so a bad config shows
 * the server's complaint instead of a timeout.
 */
export async function startProcess(spec: ProcessSpec): Promise<RunningServer> {
  const host = spec.host ?? LOOPBACK;
  const child = spawn(spec.command, spec.args, { cwd: spec.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // A server a test forgot to stop must neither keep the test process alive
  // nor outlive it: unref it here, and kill it on exit (below).
  child.unref();
  (child.stdout as net.Socket).unref();
  (child.stderr as net.Socket).unref();
  if (child.pid !== undefined) {
    const pid = child.pid;
    adopt(pid, spec.dir);
    child.once('exit', () => release(pid));
  }
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
  });

  const server: RunningServer = {
    label: spec.label,
    pid: child.pid ?? -1,
    host,
    port: spec.ports[0],
    ports: spec.ports,
    dir: spec.dir,
    output: () => output,
    stop: once(() => stopChild(child, exited, spec)),
  };

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 10_000);
  const giveUp = new AbortController();
  const early = exited.then((why) => {
    throw new Error(`${spec.label} ${why} before listening\n${output}`);
  });
  try {
    await Promise.race([early, Promise.all(spec.ports.map((p) => waitForPort(host, p, deadline, giveUp.signal)))]);
    // Something answering is not enough on a shared machine: a port picked by
    // freePort can be taken by another test's server before ours binds it.
    const foreign = spec.ports.filter((p) => !listensOn(child.pid!, p));
    if (foreign.length) throw new Error(`${spec.label}: port ${foreign.join(', ')} is held by another process`);
  } catch (err) {
    giveUp.abort();
    await server.stop();
    if (err instanceof Error && !err.message.includes(spec.label)) {
      err.message = `${spec.label}: ${err.message}\n${output}`;
    }
    throw err;
  }
  early.catch(() => {}); // a later exit is reported by the test that notices it, not here
  return server;
}


function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

async function stopChild(child: ChildProcess, exited: Promise<string>, spec: ProcessSpec): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.ref(); // keep the event loop alive until the exit we await
    process.kill(child.pid, 'SIGTERM');
    const grace = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), spec.stopTimeoutMs ?? 3_000).unref());
    if ((await Promise.race([exited, grace])) === 'timeout') {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  }
  await rm(spec.dir, { recursive: true, force: true });
}

/** Polls until host:port accepts a TCP connection, the deadline passes or `signal` aborts. */
export async function waitForPort(host: string, port: number, deadline: number, signal?: AbortSignal): Promise<void> {
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (await canConnect(host, port)) return;
    if (signal?.aborted) throw new Error(`gave up waiting for ${host}:${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * Whether process `pid` holds a listening TCP socket on `port` (Linux: the
 * socket inodes of /proc/net/tcp{,6} LISTEN entries against the process's
 * fds). Elsewhere it answers true, and the connect check stands alone.
 */
function listensOn(pid: number, port: number): boolean {
  if (process.platform !== 'linux') return true;
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === '0A' && f[1].endsWith(`:${hexPort}`)) inodes.add(f[9]);
    }
  }
  // A server with worker processes (padda `workers: N`) holds its ports in its children.
  return [pid, ...descendants(pid)].some((owner) => {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${owner}/fd`);
    } catch {
      return false;
    }
    return fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${owner}/fd/${fd}`));
        return m !== null && inodes.has(m[1]);
      } catch {
        return false;
      }
    });
  });
}

/** Every process below `pid`, from the parent field of /proc/N/stat. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses; the parent pid follows the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.pop()!) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `padda-${prefix}-`));
}

// ---------------------------------------------------------------------------

export interface StartOptions {
  /** Loopback address to bind (default 127.0.0.1); any 127.x.y.z works on Linux. */
  host?: string;
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Extra command-line arguments. */
  args?: string[];
}

/** redis-server without persistence, bound to loopback. */
export async function startRedis(opts: StartOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? LOOPBACK;
  const port = opts.port ?? (await freePort(host));
  const dir = await tempDir('redis');
  return startProcess({
    label: `redis-server:${port}`,
    command: 'redis-server',
    host,
    args: ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no',
      '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no', ...(opts.args ?? [])],
    ports: [port],
    dir,
  });
}

/** memcached on loopback, TCP only. `-u root` because tests may run as root, which memcached refuses otherwise. */
export async function startMemcached(opts: StartOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? LOOPBACK;
  const port = opts.port ?? (await freePort(host));
  const dir = await tempDir('memcached');
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  return startProcess({
    label: `memcached:${host}:${port}`,
    command: 'memcached',
    host,
    args: ['-l', host, '-p', String(port), '-U', '0', '-m', '64', ...asRoot, ...(opts.args ?? [])],
    ports: [port],
    dir,
  });
}

/** Ports named by `listen: HOST:PORT` lines of a nutcracker.yml. */
export function nutcrackerListenPorts(yaml: string): number[] {
  return [...yaml.matchAll(/^\s*listen:\s*['"]?[^\s:'"]+:(\d+)/gm)].map((m) => Number(m[1]));
}

/**
 * nutcracker (twemproxy) with the given nutcracker.yml text; waits for every
 * pool's `listen:` port. The stats port (default 22222, which would collide
 * between concurrent tests) is moved to a free one.
 */
export async function startNutcracker(yaml: string, opts: { args?: string[] } = {}): Promise<RunningServer> {
  const ports = nutcrackerListenPorts(yaml);
  if (ports.length === 0) throw new Error('nutcracker config has no "listen: host:port" line');
  const statsPort = await freePort();
  const dir = await tempDir('nutcracker');
  const conf = path.join(dir, 'nutcracker.yml');
  await writeFile(conf, yaml);
  return startProcess({
    label: `nutcracker:${ports.join(',')}`,
    command: 'nutcracker',
    args: ['-c', conf, '-s', String(statsPort), '-a', LOOPBACK, '-o', path.join(dir, 'nutcracker.log'),
      ...(opts.args ?? [])],
    ports,
    dir,
  });
}

/** Ports named by `listen` directives (`listen 8080;`, `listen 127.0.0.1:8080 …;`) of an nginx config. */
export function nginxListenPorts(conf: string): number[] {
  return [...conf.matchAll(/(?:^|[\s{;])listen\s+(?:[^\s;]*:)?(\d+)[\s;]/g)].map((m) => Number(m[1]));
}

/**
 * nginx in the foreground as a single process, with `body` as the contents of
 * its `http {}` block. Its pid and temp files go to its temp dir and its error
 * log to stderr (kept in output()), so several can run at once and none
 * touches /var.
 */
export async function startNginx(body: string, opts: { args?: string[] } = {}): Promise<RunningServer> {
  const ports = nginxListenPorts(body);
  if (ports.length === 0) throw new Error('nginx config has no "listen PORT" directive');
  const dir = await tempDir('nginx');
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(conf, [
    'daemon off;',
    'master_process off;',
    `pid ${dir}/nginx.pid;`,
    'error_log stderr warn;',
    'events { worker_connections 1024; }',
    'http {',
    `  access_log off;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    body,
    '}',
    '',
  ].join('\n'));
  return startProcess({
    label: `nginx:${ports.join(',')}`,
    command: 'nginx',
    args: ['-p', dir, '-c', conf, '-e', 'stderr', ...(opts.args ?? [])],
    ports,
    dir,
  });
}
