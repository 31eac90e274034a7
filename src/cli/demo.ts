import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PaddaConfig } from '../config/schema.ts';
import type { ServerSpec } from '../upstream/server-spec.ts';

/** The backend program the demo starts for each loopback server of a redis or memcache listener. */
const BACKENDS: Record<string, { program: string; args: (host: string, port: number, dir: string) => string[] }> = {
  redis: {
    program: 'redis-server',
    args: (host, port, dir) => ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', dir],
  },
  memcache: {
    program: 'memcached',
    args: (host, port) => ['-l', host, '-p', String(port), '-U', '0', '-m', '32', ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])],
  },
};

/**
 * Runs a backend under a shell that holds a pipe from padda on its stdin:
 * when padda exits by any means, SIGKILL included, the kernel closes the
 * pipe, `read` returns, and the shell stops the backend. (A process group
 * would need someone alive to signal it; a pipe needs nobody.)
 */
const WITH_PARENT = 'trap "" INT HUP; "$@" </dev/null & backend=$!; read -r _; kill $backend 2>/dev/null; wait $backend';

function installed(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * `padda demo` (what `npm start` runs): starts, when installed, a
 * redis-server or memcached for each loopback server of the config's redis
 * and memcache listeners, with state under `stateDir`, so those listeners
 * have shards to talk to. They live exactly as long as padda. Without them
 * those listeners still run and answer with errors.
 */
export function startDemoBackends(config: PaddaConfig, stateDir: string): { started: string[]; missing: string[] } {
  const started: string[] = [];
  const missing = new Set<string>();
  for (const listener of Object.values(config.listeners)) {
    const backend = BACKENDS[listener.mode];
    if (backend === undefined) continue;
    if (!installed(backend.program)) {
      missing.add(backend.program);
      continue;
    }
    for (const server of listener.servers as ServerSpec[]) {
      if (server.path !== undefined || !isLoopback(server.host)) continue;
      const dir = path.join(stateDir, `${backend.program}-${server.port}`);
      fs.mkdirSync(dir, { recursive: true });
      const child = spawn('sh', ['-c', WITH_PARENT, 'padda-demo', backend.program, ...backend.args(server.host, server.port, dir)], {
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.on('error', () => {});
      child.stdin!.on('error', () => {});
      // Neither keeps padda running: the pipe only has to close when padda's process ends.
      child.unref();
      (child.stdin as unknown as { unref(): void }).unref();
      started.push(`${backend.program} ${server.host}:${server.port}`);
    }
  }
  return { started, missing: [...missing] };
}
