import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Backends the demo config points its redis and memcache listeners at, started when installed. */
const BACKENDS = [
  { program: 'redis-server', ports: [6390, 6391], args: (port: number, dir: string) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir] },
  { program: 'memcached', ports: [11290, 11291], args: (port: number) => ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '32', ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])] },
];

function installed(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/**
 * `padda demo` (what `npm start` runs): starts the demo's optional backends
 * that are installed — two redis-servers and two memcacheds on fixed
 * loopback ports, under `.padda/demo` — so the demo's redis and memcache
 * listeners have shards to talk to; they stop when padda stops. Without
 * them those listeners still run and answer with errors.
 */
export function startDemoBackends(stateDir: string): { started: string[]; missing: string[]; stop(): void } {
  const children: ChildProcess[] = [];
  const started: string[] = [];
  const missing: string[] = [];
  for (const backend of BACKENDS) {
    if (!installed(backend.program)) {
      missing.push(backend.program);
      continue;
    }
    for (const port of backend.ports) {
      const dir = path.join(stateDir, `${backend.program}-${port}`);
      fs.mkdirSync(dir, { recursive: true });
      const child = spawn(backend.program, backend.args(port, dir), { stdio: 'ignore', detached: false });
      child.on('error', () => {});
      children.push(child);
      started.push(`${backend.program} 127.0.0.1:${port}`);
    }
  }
  const stop = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  return { started, missing, stop };
}
