/**
 * padda's resident memory as a sidecar (one worker): idle; holding 10k idle
 * keep-alive client connections (each has done one request); streaming 1 GiB
 * to a reader slower than the upstream; then 10k idle TLS connections. The
 * plain connections come first, on the idle process: RSS rarely shrinks back
 * after a peak, and the 1 GiB stream leaves its garbage's pages behind. RSS
 * is read from /proc; the process is the real daemon (dist/ when built,
 * as a production start runs it).
 *
 *   npx node bench/http-memory.ts [--connections 10000]
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { selfSignedCertificate } from '../src/tls/self-signed.ts';
import { readSlowly } from '../test/support/clients.ts';
import { startTestApp } from '../test/support/http-app.ts';
import { freePorts } from '../test/support/ports.ts';
import { rssOf, sampleRss } from '../test/support/rss.ts';
import { tempDir } from '../test/support/servers.ts';
import { startPaddaServer } from './support/padda.ts';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '10000' } } });
const count = Number(values.connections);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

const dir = await tempDir('bench-memory');
const cert = path.join(dir, 'tls.crt');
const key = path.join(dir, 'tls.key');
const pair = selfSignedCertificate(['localhost'], 2);
fs.writeFileSync(cert, pair.cert);
fs.writeFileSync(key, pair.key);
const app = await startTestApp();
const [admin, plainPort, tlsPort] = (await freePorts(3)) as [number, number, number];
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${admin} }
log: { level: warn }
listeners:
  plain: { mode: sidecar, listen: 127.0.0.1:${plainPort}, upstream: http://127.0.0.1:${app.port} }
  tls: { mode: sidecar, listen: 127.0.0.1:${tlsPort}, upstream: http://127.0.0.1:${app.port}, tls: { cert: ${cert}, key: ${key} } }
`, [plainPort, tlsPort]);

/** Opens `n` connections that each complete one keep-alive request and then stay open, idle. */
async function holdIdle(n: number, open: () => net.Socket): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => new Promise<void>((resolve, reject) => {
      const socket = open();
      sockets.push(socket);
      socket.once('error', reject);
      socket.once('data', () => resolve());
      socket.write('GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n');
    })));
  }
  return sockets;
}

try {
  await sleep(1000);
  const idle = rssOf(padda.pid);
  console.log(`idle:                                  ${mib(idle)}`);

  const plain = await holdIdle(count, () => net.connect({ host: '127.0.0.1', port: plainPort }));
  await sleep(2000);
  const held = rssOf(padda.pid);
  console.log(`${count} idle keep-alive connections:     ${mib(held)} (${((held - idle) / count / 1024).toFixed(1)} KiB each over idle)`);
  for (const socket of plain) socket.destroy();
  await sleep(2000);

  const rss = sampleRss(padda.pid, 100);
  const gib = 1024 ** 3;
  const rate = 300 * 1024 * 1024;
  await new Promise<number>((resolve, reject) => {
    http.get(`http://127.0.0.1:${plainPort}/stream?bytes=${gib}`, (res) => readSlowly(res, rate).then(resolve, reject)).on('error', reject);
  });
  const samples = rss.stop();
  console.log(`1 GiB to a reader at 300 MiB/s:        ${mib(samples[0]!)} before, ${mib(Math.max(...samples))} peak, ${mib(samples.at(-1)!)} after`);

  const secure = await holdIdle(count, () => tls.connect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false }));
  await sleep(2000);
  console.log(`${count} idle TLS keep-alive connections: ${mib(rssOf(padda.pid))}`);
  for (const socket of secure) socket.destroy();
  await sleep(2000);
} finally {
  await padda.stop();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
