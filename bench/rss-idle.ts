/**
 * Idle resident memory of one redis ambassador (one listener, one shard),
 * after it has started and answered a few commands: padda run from its
 * sources (Node's type stripping), padda run from the dist/ build (what the
 * image runs), and nutcracker, in one run. Issue 12's target for padda: 70 MiB.
 *
 *   node bench/rss-idle.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from '../test/support/ports.ts';
import { rssOf } from '../test/support/rss.ts';
import { startNutcracker, startProcess, startRedis, tempDir, type RunningServer } from '../test/support/servers.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const MiB = 1024 * 1024;

/** A copy of the runtime files with dist/ built in it, so the repository's own tree is left alone. */
function builtTree(): string {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-rss-'));
  for (const part of ['src', 'bin', 'config', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'wasm/hash.wasm']) {
    fs.cpSync(path.join(ROOT, part), path.join(tree, part), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: tree });
  fs.rmSync(path.join(tree, 'src'), { recursive: true });
  return tree;
}

async function ping(port: number): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('*1\r\n$4\r\nPING\r\n'));
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });
  }
}

async function idleRss(server: RunningServer, port: number): Promise<number> {
  await ping(port);
  await sleep(3_000);
  return rssOf(server.pid);
}

const redis = await startRedis();
const tree = builtTree();
const rows: Array<[string, number]> = [];
try {
  for (const [label, root] of [['padda, sources', ROOT], ['padda, dist/', tree]] as const) {
    const [admin, port] = (await freePorts(2)) as [number, number];
    const dir = await tempDir('rss-padda');
    const file = path.join(dir, 'padda.yaml');
    fs.writeFileSync(file, `admin: { listen: 127.0.0.1:${admin} }\nlisteners:\n  cache: { mode: redis, listen: 127.0.0.1:${port}, servers: [127.0.0.1:${redis.port}:1] }\n`);
    const padda = await startProcess({ label, command: process.execPath, args: [path.join(root, 'bin/padda'), 'run', '--config', file], ports: [port, admin], dir });
    rows.push([label, await idleRss(padda, port)]);
    await padda.stop();
  }
  const [port] = (await freePorts(1)) as [number];
  const nutcracker = await startNutcracker(`pool:\n  listen: 127.0.0.1:${port}\n  redis: true\n  servers:\n    - 127.0.0.1:${redis.port}:1\n`);
  rows.push(['nutcracker', await idleRss(nutcracker, port)]);
  await nutcracker.stop();
} finally {
  await redis.stop();
  fs.rmSync(tree, { recursive: true, force: true });
}
console.log('idle RSS, one redis listener');
for (const [label, bytes] of rows) console.log(`  ${label.padEnd(16)} ${(bytes / MiB).toFixed(1).padStart(6)} MiB`);
