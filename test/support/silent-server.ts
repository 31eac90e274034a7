/**
 * Targets that hang, for timeout tests: a server that accepts connections
 * and never says a word, and a port whose connects never complete (a listen
 * socket with a full backlog that nothing accepts from).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { adopt, release } from './reaper.ts';

export interface SilentServer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/** Accepts on 127.0.0.1 and holds every connection without reading an answer into it. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface BlackHole {
  port: number;
  stop(): void;
}

/**
 * A port where connect() hangs: python listens with backlog 0 and never
 * accepts, and the first connections (which the kernel completes into the
 * backlog) are made here, so every later SYN is dropped and its connect
 * waits for retransmissions.
 */
export async function startBlackHole(): Promise<BlackHole> {
  const child = spawn('python3', ['-c', [
    'import socket, sys, time',
    's = socket.socket()',
    "s.bind(('127.0.0.1', 0))",
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'time.sleep(600)',
  ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
  adopt(child.pid!);
  child.once('exit', () => release(child.pid!));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', () => reject(new Error('python3 exited before listening')));
  });
  const fillers: net.Socket[] = [];
  // Fill the accept queue (backlog 0 still takes one or two): connect until one hangs.
  for (let i = 0; i < 8; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await Promise.race([
      new Promise<boolean>((resolve) => socket.once('connect', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300)),
    ]);
    if (!connected) break;
  }
  return {
    port,
    stop: () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}
