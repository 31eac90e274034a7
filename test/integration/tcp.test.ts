import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

let padda: PaddaProcess;
let admin: number;
let front: number;
let upstream: net.Server;
/** What the upstream does with each connection, set per test. */
let behaviour: (socket: net.Socket) => void = () => {};

before(async () => {
  upstream = net.createServer({ allowHalfOpen: true }, (socket) => behaviour(socket));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  [admin, front] = (await freePorts(2)) as [number, number];
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  front:
    mode: tcp
    listen: 127.0.0.1:${front}
    upstreams: [127.0.0.1:${(upstream.address() as net.AddressInfo).port}]
    idle_timeout: 3s
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  upstream.close();
  await padda.stop();
});

function connect(): Promise<net.Socket> {
  const socket = net.connect({ port: front, host: '127.0.0.1', allowHalfOpen: true });
  return new Promise((resolve, reject) => socket.once('connect', () => resolve(socket)).once('error', reject));
}

function readAll(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

test('half-close: the client shuts its write side and still gets the whole answer', async () => {
  // The upstream answers only after the request ends, like `nc -q` or an HTTP/1.0 POST.
  behaviour = (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => socket.end(`got ${Buffer.concat(chunks).length} bytes`));
  };
  const client = await connect();
  const answer = readAll(client);
  client.end(Buffer.alloc(100_000, 7));
  assert.equal((await answer).toString(), 'got 100000 bytes');
});

test('a 64 MiB stream passes both ways intact with backpressure', async () => {
  behaviour = (socket) => socket.pipe(socket);
  const client = await connect();
  const size = 64 * 1024 * 1024;
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let receivedBytes = 0;
  const done = new Promise<void>((resolve) => {
    client.on('data', (chunk: Buffer) => {
      received.update(chunk);
      receivedBytes += chunk.length;
      if (receivedBytes === size) resolve();
    });
  });
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 64; i++) {
    block.fill(i);
    sent.update(block);
    if (!client.write(block)) await new Promise((resolve) => client.once('drain', resolve));
  }
  await done;
  client.end();
  assert.equal(received.digest('hex'), sent.digest('hex'));
});

test('a client that never reads is held back by backpressure, not by padda memory', async () => {
  behaviour = (socket) => {
    const chunk = Buffer.alloc(1024 * 1024, 1);
    let sent = 0;
    const pump = () => {
      while (sent < 256 && socket.write(chunk)) sent++;
      if (sent < 256) socket.once('drain', pump);
    };
    socket.on('error', () => {});
    pump();
  };
  const rssBefore = Number(/process_resident_memory_bytes\{process="main"\} (\d+)/.exec((await get(`http://127.0.0.1:${admin}/metrics`)).body)![1]);
  const client = await connect();
  client.pause();
  await sleep(1500);
  const rssAfter = Number(/process_resident_memory_bytes\{process="main"\} (\d+)/.exec((await get(`http://127.0.0.1:${admin}/metrics`)).body)![1]);
  client.destroy();
  // The upstream offered 256 MiB; padda may hold socket buffers, not the stream.
  assert.ok(rssAfter - rssBefore < 48 * 1024 * 1024, `RSS grew ${(rssAfter - rssBefore) / 1048576} MiB`);
});

test('an upstream reset mid-stream closes only that client', async () => {
  behaviour = (socket) => {
    socket.write('partial');
    setTimeout(() => socket.resetAndDestroy(), 50);
  };
  const client = await connect();
  const outcome = await new Promise<string>((resolve) => {
    let data = '';
    client.on('data', (chunk) => (data += chunk));
    client.once('error', (error: NodeJS.ErrnoException) => resolve(`${data}|${error.code}`));
    client.once('close', () => resolve(`${data}|closed`));
  });
  assert.match(outcome, /^partial\|/);
  behaviour = (socket) => socket.end('still fine');
  const other = await connect();
  assert.equal((await readAll(other)).toString(), 'still fine');
});
