/**
 * One short conversation with a backend over a connection of its own, for
 * health checks and the backend-stats collector: connect, write a command,
 * read until its reply is complete, close. Everything ends when `signal`
 * aborts (a timeout), so a server that accepts and then says nothing cannot
 * hold a probe; a reply larger than `maxReplyBytes` ends it too.
 *
 *   const connection = await ProbeConnection.open(address, AbortSignal.timeout(1000));
 *   try {
 *     connection.write('version\r\n');
 *     const line = await connection.read(lineEnd);
 *   } finally {
 *     connection.close();
 *   }
 */
import net from 'node:net';
import { formatAddress, type Address } from '../net/address.ts';

/** Largest reply a probe holds: Redis INFO and memcached stats are a few KiB. */
const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

/** Finds the end of the first complete reply in `buffer`: the offset past it, or -1 while it is incomplete. Throws on a malformed one. */
export type ReplyEnd = (buffer: Buffer) => number;

export class ProbeConnection {
  private readonly socket: net.Socket;
  private readonly signal: AbortSignal;
  private readonly maxReplyBytes: number;
  private buffered: Buffer = Buffer.alloc(0);
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  private constructor(socket: net.Socket, signal: AbortSignal, maxReplyBytes: number) {
    this.socket = socket;
    this.signal = signal;
    this.maxReplyBytes = maxReplyBytes;
    const stop = (error: Error) => {
      this.failure ??= error;
      socket.destroy();
      this.wake?.();
    };
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      if (this.buffered.length > this.maxReplyBytes) stop(new Error(`reply larger than ${this.maxReplyBytes} bytes`));
      this.wake?.();
    });
    socket.on('error', (error) => stop(error));
    socket.on('close', () => stop(new Error('connection closed by the server')));
    signal.addEventListener('abort', () => stop(abortError(signal)), { once: true });
  }

  /** Connects, or rejects with the connect error or the abort reason. */
  static open(address: Address, signal: AbortSignal, maxReplyBytes = DEFAULT_MAX_REPLY_BYTES): Promise<ProbeConnection> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const socket = address.kind === 'unix' ? net.connect(address.path) : net.connect({ host: address.host, port: address.port });
      socket.setNoDelay(true);
      const aborted = () => {
        socket.destroy();
        reject(abortError(signal));
      };
      signal.addEventListener('abort', aborted, { once: true });
      socket.once('error', (error) => {
        signal.removeEventListener('abort', aborted);
        reject(new Error(`${formatAddress(address)}: ${error.message}`));
      });
      socket.once('connect', () => {
        signal.removeEventListener('abort', aborted);
        socket.removeAllListeners('error');
        resolve(new ProbeConnection(socket, signal, maxReplyBytes));
      });
    });
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the next complete reply (as found by `end`), consuming it. */
  async read(end: ReplyEnd): Promise<Buffer> {
    for (;;) {
      const at = this.buffered.length === 0 ? -1 : end(this.buffered);
      if (at >= 0) {
        const reply = this.buffered.subarray(0, at);
        this.buffered = this.buffered.subarray(at);
        return reply;
      }
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The reason a signal carries (AbortSignal.timeout's is a TimeoutError), as an Error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
}
