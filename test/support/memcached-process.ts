/**
 * A real memcached for protocol tests: started on a free loopback port,
 * waited for until it accepts connections, stopped by PID. memcached
 * refuses to run as root without -u, hence `-u nobody` when we are root.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './ports.ts';

export interface Memcached {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startMemcached(extraArgs: string[] = []): Promise<Memcached> {
  const port = await freePort();
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn('memcached', ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '64', ...asRoot, ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`memcached did not start on ${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Exchange {
  /** Everything the server sent before it closed or went quiet. */
  reply: Buffer;
  closed: boolean;
}

/**
 * Sends `parts` over a fresh connection (a number pauses that many ms) and
 * collects the reply until the server closes or sends nothing for `quietMs`.
 */
export function exchange(port: number, parts: readonly (Buffer | string | number)[], quietMs = 60): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closed = false;
    let sending = true;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(received), closed });
    };
    // Quiet only counts once everything is sent: a pause between parts is not the end.
    const idle = () => {
      clearTimeout(timer);
      if (!sending) timer = setTimeout(finish, quietMs);
    };
    socket.on('data', (chunk) => {
      received.push(chunk);
      idle();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') closed = true;
      else reject(error);
    });
    socket.on('connect', async () => {
      for (const part of parts) {
        if (typeof part === 'number') await new Promise((r) => setTimeout(r, part));
        else if (!socket.destroyed) socket.write(part);
      }
      sending = false;
      idle();
    });
  });
}
