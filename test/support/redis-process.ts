/**
 * A throwaway redis-server for RESP tests: loopback, a free port, no
 * persistence, stopped by PID. Kept tiny on purpose; integration tests have
 * the fuller servers.ts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { freePort } from './ports.ts';

export interface RedisProcess {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startRedisServer(extraArgs: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    }
  };
  for (let attempt = 0; ; attempt++) {
    if (await accepts(port)) return { port, stop };
    if (attempt === 100 || child.exitCode !== null) {
      await stop();
      throw new Error(`redis-server did not listen on ${port}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export interface RawExchange {
  /** Everything the server wrote back. */
  reply: Buffer;
  /** The server closed the connection (as it does after a protocol error). */
  closed: boolean;
}

/**
 * Writes `request` on a fresh connection and collects the answer until the
 * server closes or stays silent for `idleMs`.
 */
export function exchangeRaw(port: number, request: Uint8Array, idleMs = 150): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let timer = setTimeout(done, idleMs, false);
    function done(closed: boolean): void {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks), closed });
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(done, idleMs, false);
    });
    socket.on('end', () => done(true));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? done(true) : reject(err)));
  });
}
