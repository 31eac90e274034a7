/**
 * padda in memcache mode over real memcached shards, and a raw text-protocol
 * client for talking to either: no maintained Node memcached client exists,
 * and raw bytes are what the differential tests compare anyway.
 */
import net from 'node:net';
import { startPadda, type PaddaProcess } from './padda.ts';
import { freePorts } from './ports.ts';
import { LOOPBACK, startMemcached, waitForPort, type RunningServer } from './servers.ts';

export interface MemcachePadda {
  padda: PaddaProcess;
  port: number;
  adminPort: number;
  stop(): Promise<void>;
}

export function startShards(count: number, args: string[] = []): Promise<RunningServer[]> {
  return Promise.all(Array.from({ length: count }, () => startMemcached({ args })));
}

/**
 * padda with one memcache listener over `servers` (`host:port:weight`
 * entries); `extra` lines are added to the listener (indented by the caller).
 */
export async function startMemcachePadda(servers: readonly string[], extra: readonly string[] = []): Promise<MemcachePadda> {
  const [port, adminPort] = (await freePorts(2)) as [number, number];
  const padda = startPadda([
    `admin: { listen: ${LOOPBACK}:${adminPort} }`,
    'log: { level: warn }',
    'listeners:',
    '  cache:',
    '    mode: memcache',
    `    listen: ${LOOPBACK}:${port}`,
    '    servers:',
    ...servers.map((server) => `      - ${server}`),
    ...extra.map((line) => `    ${line}`),
    '',
  ].join('\n'));
  try {
    await waitForPort(LOOPBACK, port, Date.now() + 15_000);
  } catch (error) {
    await padda.stop();
    throw new Error(`${(error as Error).message}\n${padda.output()}`);
  }
  return { padda, port, adminPort, stop: () => padda.stop() };
}

export function shardEntries(shards: readonly RunningServer[]): string[] {
  return shards.map((shard) => `${shard.host}:${shard.port}:1`);
}

/** A persistent connection that sends raw bytes and reads replies by a completion rule. */
export class TextClient {
  readonly socket: net.Socket;
  #received = '';
  #closed = false;
  #wake: (() => void) | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#received += chunk;
      this.#wake?.();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  static connect(port: number, host = LOOPBACK): Promise<TextClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => resolve(new TextClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Waits until `done(received)` holds (or the server closes), then returns and forgets what arrived. */
  async read(done: (received: string) => boolean, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.#received) && !this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`reply incomplete after ${timeoutMs} ms: ${JSON.stringify(this.#received.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
    const received = this.#received;
    this.#received = '';
    return received;
  }

  /** Sends `request` and reads until the reply holds `lines` CRLF-terminated lines. */
  async call(request: string | Buffer, lines = 1, timeoutMs?: number): Promise<string> {
    this.write(request);
    return this.read((received) => countLines(received) >= lines, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}

export function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\r\n'); at >= 0; at = text.indexOf('\r\n', at + 2)) count++;
  return count;
}
