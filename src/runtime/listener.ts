import fs from 'node:fs';
import net from 'node:net';
import type { Logger } from '../log.ts';
import { formatAddress, type Address } from '../net/address.ts';
import type { ModeHandler } from '../modes/mode.ts';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

export interface ListenerOptions {
  backlog?: number;
  /**
   * SO_REUSEPORT: only padda's own worker processes may share a port. A single
   * process binds exclusively, so a second padda (or anything else) on the port
   * is EADDRINUSE instead of silently taking part of the connections.
   */
  reusePort?: boolean;
  /** Don't bind until `claim()`: the supervisor found the port taken and retries it itself. */
  waitFor?: string;
}

/**
 * A bound listening socket and the handler its connections go to. The socket
 * outlives handlers: a reload that changes a listener's mode settings swaps
 * the handler here and the port never stops accepting. A port that cannot be
 * bound (in use, no permission) is retried with backoff while the rest of the
 * daemon serves, and /ready reports why.
 */
export class Listener {
  readonly address: Address;
  handler: ModeHandler;
  /** Why the socket is not bound, or null once it is. */
  bindError: string | null = 'not bound yet';
  private readonly server: net.Server;
  private readonly log: Logger;
  private readonly backlog: number;
  private readonly reusePort: boolean;
  private retryDelay = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private retry = true;
  private waiting: boolean;

  constructor(address: Address, handler: ModeHandler, log: Logger, options: ListenerOptions = {}) {
    this.address = address;
    this.handler = handler;
    this.log = log;
    this.backlog = options.backlog ?? 1024;
    this.reusePort = options.reusePort ?? false;
    this.waiting = options.waitFor !== undefined;
    if (options.waitFor !== undefined) this.bindError = options.waitFor;
    // Half-open: a client's FIN must not close our write side before the answer is out.
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.handler.accept(socket));
    this.server.on('error', (error) => this.bindFailed(error as NodeJS.ErrnoException));
    this.server.maxConnections = Number.MAX_SAFE_INTEGER;
  }

  get bound(): boolean {
    return this.bindError === null;
  }

  /**
   * Resolves once bound or once the first attempt failed. With `retry`, a failed
   * port is tried again with backoff in the background; without, the caller
   * gives up on it (a reload that cannot bind changes nothing).
   */
  bind(retry = true): Promise<void> {
    this.retry = retry;
    if (this.waiting) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.server.off('listening', done);
        this.server.off('error', done);
        resolve();
      };
      this.server.once('listening', done);
      this.server.once('error', done);
      this.listen();
    });
  }

  /** The port the supervisor was waiting for is free now: bind it. */
  claim(): Promise<void> {
    if (!this.waiting) return Promise.resolve();
    this.waiting = false;
    return this.bind();
  }

  /** Stops accepting; connections already accepted stay with their handler, which drains them. */
  close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Not awaiting server.close's callback: it comes once every accepted connection has ended, and
    // keep-alive connections end only when the handler drains them, which its caller does after this.
    if (this.server.listening) this.server.close();
    return Promise.resolve();
  }

  private listen(): void {
    if (this.closed) return;
    const address = this.address;
    this.server.once('listening', () => {
      if (this.bindError !== 'not bound yet') this.log.info({ listen: formatAddress(address) }, 'bound after retrying');
      this.bindError = null;
      this.retryDelay = RETRY_MIN_MS;
      if (address.kind === 'unix' && address.permissions !== undefined) fs.chmodSync(address.path, address.permissions);
    });
    if (address.kind === 'unix') {
      this.server.listen({ path: address.path, backlog: this.backlog });
    } else {
      this.server.listen({ host: address.host, port: address.port, reusePort: this.reusePort, backlog: this.backlog });
    }
  }

  private bindFailed(error: NodeJS.ErrnoException): void {
    if (this.server.listening) {
      this.log.error({ err: error.message }, 'listening socket failed');
      return;
    }
    this.server.removeAllListeners('listening');
    if (this.address.kind === 'unix' && error.code === 'EADDRINUSE') {
      this.removeStaleSocket(this.address.path);
    }
    this.bindError = `cannot listen on ${formatAddress(this.address)}: ${error.code ?? error.message}`;
    if (this.closed || !this.retry) return;
    this.log.error({ err: error.message, retryInMs: this.retryDelay }, this.bindError);
    this.retryTimer = setTimeout(() => this.listen(), this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }

  /** A socket file nobody accepts on is left over from a crash: remove it so the retry can bind. */
  private removeStaleSocket(path: string): void {
    const probe = net.connect({ path });
    probe.once('connect', () => probe.destroy());
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') fs.rmSync(path, { force: true });
    });
  }
}
