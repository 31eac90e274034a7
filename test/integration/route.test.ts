/**
 * `padda route` end to end: the very nutcracker.yml that real nutcracker
 * runs is handed to `padda route`, and every key nutcracker wrote must sit on
 * the server padda names. 10 000 keys per pool, zero mismatches.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { redisKeyOwners } from '../support/key-location.ts';
import { freePorts } from '../support/ports.ts';
import { startNutcracker, startRedis, type RunningServer } from '../support/servers.ts';
import { twemproxyClient } from '../support/twemproxy-client.ts';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;
const KEYS = 10_000;

interface Pool {
  name: string;
  body: (servers: RunningServer[]) => string;
}

const POOLS: Pool[] = [
  { name: 'book', body: (s) => `  hash: fnv1a_64\n  distribution: ketama\n  servers:\n${s.map((r) => `   - 127.0.0.1:${r.port}:1`).join('\n')}` },
  { name: 'modula', body: (s) => `  hash: murmur\n  distribution: modula\n  servers:\n${s.map((r, i) => `   - 127.0.0.1:${r.port}:${i + 1}`).join('\n')}` },
  { name: 'named', body: (s) => `  hash: md5\n  distribution: ketama\n  servers:\n${s.map((r, i) => `   - 127.0.0.1:${r.port}:${[1, 3, 5][i]} cache-${i}`).join('\n')}` },
  { name: 'tagged', body: (s) => `  hash: crc32a\n  hash_tag: "{}"\n  distribution: ketama\n  servers:\n${s.map((r) => `   - 127.0.0.1:${r.port}:1`).join('\n')}` },
];

let dir: string;
let nutcracker: RunningServer;
const shardsByPool = new Map<string, RunningServer[]>();
const portByPool = new Map<string, number>();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-route-'));
  const ports = await freePorts(POOLS.length);
  let yml = '';
  for (const [i, pool] of POOLS.entries()) {
    // Each pool gets servers of its own, so a key's location says which pool put it there.
    const shards = await Promise.all([startRedis(), startRedis(), startRedis()]);
    shardsByPool.set(pool.name, shards);
    portByPool.set(pool.name, ports[i]!);
    yml += `${pool.name}:\n  listen: 127.0.0.1:${ports[i]}\n  redis: true\n${pool.body(shards)}\n`;
  }
  fs.writeFileSync(path.join(dir, 'nutcracker.yml'), yml);
  nutcracker = await startNutcracker(yml);
});

after(async () => {
  await nutcracker?.stop();
  await Promise.all([...shardsByPool.values()].flat().map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function paddaRoute(listener: string, keys: string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'route', '--config', path.join(dir, 'nutcracker.yml'), '--listener', listener], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`padda route exited ${code}: ${err}`));
      resolve(new Map(out.trim().split('\n').map((line) => line.split('\t') as [string, string])));
    });
    child.stdin.end(keys.join('\n') + '\n');
  });
}

for (const pool of POOLS) {
  test(`pool ${pool.name}: every key nutcracker wrote is on the server padda route names`, async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => `${i % 2 && pool.name === 'tagged' ? `{u${i % 37}}` : ''}${randomBytes(9).toString('base64url')}`);
    const client = twemproxyClient(portByPool.get(pool.name)!);
    try {
      for (let i = 0; i < keys.length; i += 1000) {
        const pipeline = client.pipeline();
        for (const key of keys.slice(i, i + 1000)) pipeline.set(key, '1');
        await pipeline.exec();
      }
    } finally {
      client.disconnect();
    }
    const shards = shardsByPool.get(pool.name)!;
    const owners = await redisKeyOwners(shards.map((s) => ({ host: '127.0.0.1', port: s.port })));
    const routed = await paddaRoute(pool.name, keys);
    let mismatches = 0;
    const used = new Set<number>();
    for (const key of keys) {
      const owner = owners.get(Buffer.from(key).toString('hex'));
      assert.notEqual(owner, undefined, `nutcracker did not store ${key}`);
      used.add(owner!);
      if (routed.get(key) !== `127.0.0.1:${shards[owner!]!.port}`) mismatches++;
    }
    assert.equal(mismatches, 0);
    assert.equal(used.size, 3, 'the keys should cover every server');
  });
}
