/**
 * The redis ambassador's resident memory (one worker, three shards), read
 * from /proc, with nutcracker's beside it where it applies: idle after a
 * PING; holding N idle clients that each sent one PING; and one client
 * pipelining GETs of 1 MB values without reading, which padda must cut at
 * client_output_limit (16mb here, so its hard limit is 64 MiB) with its RSS
 * growing less than 200 MiB. In that order, since RSS rarely shrinks back.
 *
 * padda runs its dist/ build when there is one (`npm run build`), as the
 * image does; otherwise its sources, which cost some 30 MiB more.
 *
 *   node bench/kv-memory.ts [--clients 10000]
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePorts } from '../test/support/ports.ts';
import { rssOf } from '../test/support/rss.ts';
import { startNutcracker, startRedis } from '../test/support/servers.ts';
import { startPaddaServer } from './support/padda.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '10000' } } });
const clientCount = Number(values.clients);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

const shards = await Promise.all([0, 1, 2].map(() => startRedis()));
const [paddaPort, nutcrackerPort, admin] = (await freePorts(3)) as [number, number, number];
const pool = (port: number) => `  listen: 127.0.0.1:${port}\n  redis: true\n  servers:\n${shards.map((s) => `   - 127.0.0.1:${s.port}:1`).join('\n')}\n`;
const nutcracker = await startNutcracker(`alpha:\n${pool(nutcrackerPort)}`);
const padda = await startPaddaServer(
  `admin: { listen: 127.0.0.1:${admin} }\nlog: { level: warn }\nworkers: 1\nlisteners:\n  alpha:\n    mode: redis\n    client_output_limit: 16mb\n${pool(paddaPort).replace(/^/gm, '  ')}`,
  [paddaPort],
);

/** One connection that has sent one command and read its reply; kept open. */
function connect(port: number, command: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(command));
    socket.once('data', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function idleClients(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 200) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => connect(port, '*1\r\n$4\r\nPING\r\n')))));
  }
  return sockets;
}

const rows: string[][] = [['', 'nutcracker', 'padda']];
try {
  await connect(paddaPort, '*1\r\n$4\r\nPING\r\n').then((socket) => socket.destroy());
  await sleep(1000);
  rows.push(['idle', mib(rssOf(nutcracker.pid)), mib(rssOf(padda.pid))]);

  // One proxy at a time: this process holds every client socket.
  const holding: Record<string, [number, number]> = {};
  for (const [name, port, pid] of [['nutcracker', nutcrackerPort, nutcracker.pid], ['padda', paddaPort, padda.pid]] as const) {
    const before = rssOf(pid);
    const held = await idleClients(port, clientCount);
    await sleep(1000);
    holding[name] = [rssOf(pid), (rssOf(pid) - before) / clientCount];
    for (const socket of held) socket.destroy();
    await sleep(2000);
  }
  rows.push([`${clientCount} idle clients`, mib(holding.nutcracker![0]), mib(holding.padda![0])]);
  rows.push(['  per client', `${(holding.nutcracker![1] / 1024).toFixed(1)} KiB`, `${(holding.padda![1] / 1024).toFixed(1)} KiB`]);

  const setter = await connect(paddaPort, '*1\r\n$4\r\nPING\r\n');
  const value = 'v'.repeat(1024 * 1024);
  const keys = Array.from({ length: 8 }, (_, i) => `${i}:big`);
  for (const key of keys) await new Promise((resolve) => {
    setter.once('data', resolve);
    setter.write(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
  });
  setter.destroy();
  // padda alone: nutcracker has no output limit, and would buffer every reply.
  const start = rssOf(padda.pid);
  let peak = start;
  const greedy = net.connect(paddaPort, '127.0.0.1');
  greedy.on('error', () => {});
  greedy.pause();
  greedy.write(keys.map((key) => `*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`).join('').repeat(250));
  const began = Date.now();
  let cut = -1;
  while (Date.now() - began < 30_000) {
    peak = Math.max(peak, rssOf(padda.pid));
    const metrics = await fetch(`http://127.0.0.1:${admin}/metrics`).then((r) => r.text());
    if (/reason="client_output_limit"\} 1/.test(metrics)) {
      cut = Date.now() - began;
      break;
    }
    await sleep(20);
  }
  greedy.destroy();
  rows.push(['2000 GETs of 1 MB, unread', 'no limit', `${cut >= 0 ? `cut after ${cut} ms` : 'NOT cut in 30 s'}, RSS +${mib(peak - start)}`]);
} finally {
  await Promise.all([padda.stop(), nutcracker.stop(), ...shards.map((s) => s.stop())]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
console.log(`\nbench/kv-memory: resident memory of one redis ambassador (1 worker, 3 shards)\n`);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
