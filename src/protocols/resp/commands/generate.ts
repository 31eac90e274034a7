/**
 * Regenerates redis-commands.json from a real redis-server:
 *
 *   npx node src/protocols/resp/commands/generate.ts            # starts `redis-server` from PATH
 *   npx node src/protocols/resp/commands/generate.ts --port 6379 # reads a running server
 *
 * Development tool only (it uses the ioredis devDependency); the runtime reads
 * the committed JSON and never talks to a server for its command table.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { formatCommandTable, readCommandTable } from './command-info.ts';

const OUTPUT = new URL('./redis-commands.json', import.meta.url);

async function withServer<T>(port: string | undefined, use: (client: Redis) => Promise<T>): Promise<T> {
  if (port !== undefined) {
    const client = new Redis({ port: Number(port), lazyConnect: true });
    try {
      return await use(client);
    } finally {
      client.disconnect();
    }
  }
  // A unix socket in a private directory: no port to race other processes for.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'padda-commands-'));
  const socket = path.join(dir, 'redis.sock');
  const server = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const client = new Redis({ path: socket, retryStrategy: (attempt) => (attempt > 50 ? null : 100) });
  client.on('error', () => {}); // refused connections while the server starts; retryStrategy retries them
  try {
    return await use(client);
  } finally {
    client.disconnect();
    server.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const table = await withServer(values.port, readCommandTable);
await writeFile(OUTPUT, formatCommandTable(table));
console.log(`wrote ${table.commands.length} commands from ${table.source} to ${OUTPUT.pathname}`);
