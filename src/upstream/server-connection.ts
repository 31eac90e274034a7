import net from 'node:net';
import { Fifo } from '../net/fifo.ts';
import { scheduleFlush, type Flushable } from '../net/flush-scheduler.ts';
import { classifySocketError, ConnectionClosedError, ConnectTimeoutError, HandshakeRefusedError, UpstreamProtocolError, type UpstreamError } from './errors.ts';
import type { InFlight, ReplyFramer } from './in-flight.ts';
import type { ServerSpec } from './server-spec.ts';
import { OutputBuffer } from '../net/output-buffer.ts';

/** Bytes queued in the kernel-side write buffer beyond which feeders should pause. */
const CONGESTION_BYTES = 4 * 1024 * 1024;

export interface ConnectionEvents {
  /** A request was answered: the server is healthy. */
  succeeded(): void;
  /** Connecting failed, the connection broke, or a request timed out; `requests` in flight failed with it. */
  failed(error: UpstreamError, requests: number): void;
  /** The write buffer drained below the congestion mark. */
  drained(): void;
}

export interface ConnectionOptions {
  /** ms; applies to connecting and to every reply. 0 waits forever (twemproxy's default). */
  timeout: number;
  tcpKeepalive: boolean;
  /**
   * Commands sent first on every new connection (AUTH, SELECT), with the
   * requests that read their replies; a request calls `refuse` when its reply
   * says the connection cannot be used, and the connection fails.
   */
  handshake?: (refuse: (reason: string) => void) => Array<{ bytes: Buffer; request: InFlight }>;
}

/**
 * One pipelined connection to a backend server. Requests are written in the
 * order they are sent, batched per event-loop turn, and replies are matched
 * to them first-in first-out. The socket is opened on first use and after a
 * failure is opened again on the next send, resolving the host name anew —
 * so a StatefulSet pod that moved is found at its new address.
 */
export class ServerConnection<T extends InFlight> implements Flushable {
  readonly server: ServerSpec;
  readonly queue = new Fifo<T>();
  readonly #framer: ReplyFramer<T>;
  readonly #options: ConnectionOptions;
  readonly #events: ConnectionEvents;
  #socket: net.Socket | null = null;
  #open = false;
  /** What this turn sends, copied in as it comes: request bytes may be views of the shared read buffer. */
  readonly #outgoing = new OutputBuffer();
  #connectTimer: NodeJS.Timeout | null = null;
  #closedSent = 0;
  #closedReceived = 0;

  constructor(server: ServerSpec, framer: ReplyFramer<T>, options: ConnectionOptions, events: ConnectionEvents) {
    this.server = server;
    this.#framer = framer;
    this.#options = options;
    this.#events = events;
  }

  /** Bytes sent to and received from the server over this connection's lifetime, across reconnects. */
  get sentBytes(): number {
    return this.#closedSent + (this.#socket?.bytesWritten ?? 0);
  }

  get receivedBytes(): number {
    return this.#closedReceived + (this.#socket?.bytesRead ?? 0);
  }

  /** Bytes accepted for the server but not yet taken by the kernel. */
  get unsentBytes(): number {
    return this.#outgoing.length + (this.#socket?.writableLength ?? 0);
  }

  get connected(): boolean {
    return this.#open;
  }

  get congested(): boolean {
    return this.#socket !== null && this.#socket.writableLength > CONGESTION_BYTES;
  }

  /** Queues a request and its bytes; they leave with this turn's batch. */
  send(request: T, bytes: Buffer): void {
    request.sentAt = performance.now();
    this.queue.push(request);
    this.write(bytes);
  }

  /** Bytes that expect no reply (memcache `noreply`), kept in order with the rest. */
  write(bytes: Buffer): void {
    this.#outgoing.append(bytes);
    if (this.#socket === null) this.connect();
    else if (this.#open) scheduleFlush(this);
  }

  connect(): void {
    if (this.#socket !== null) return;
    // The framer is cleared here, not in reset(): a reset can happen while the
    // framer is mid-chunk (a refused handshake), and the rest of that chunk is
    // read into an empty queue before the framer gets back control.
    this.#framer.reset();
    const server = this.server;
    const socket = server.path
      ? net.connect({ path: server.path })
      : net.connect({ host: server.host, port: server.port, noDelay: true, keepAlive: this.#options.tcpKeepalive });
    this.#socket = socket;
    if (this.#options.timeout > 0) {
      this.#connectTimer = setTimeout(() => this.reset(new ConnectTimeoutError(server.label, `connect timed out after ${this.#options.timeout} ms`)), this.#options.timeout);
    }
    socket.once('connect', () => this.#opened());
    socket.on('data', (chunk: Buffer) => this.#received(chunk));
    socket.on('drain', () => this.#events.drained());
    socket.on('error', (error: NodeJS.ErrnoException) => this.reset(classifySocketError(error, server.label)));
    socket.on('close', () => {
      if (this.#socket === socket) this.reset(new ConnectionClosedError(server.label, 'connection closed by server'));
    });
  }

  flush(): void {
    const socket = this.#socket;
    if (!this.#open || socket === null || this.#outgoing.length === 0) return;
    this.#outgoing.writeTo(socket);
  }

  /** The oldest unanswered request's age in ms, for the timeout sweep; 0 when idle. */
  oldestAge(now: number): number {
    const head = this.queue.peek();
    return head === undefined ? 0 : now - head.sentAt;
  }

  /**
   * Fails every request in flight and closes the socket. Replies that were
   * on their way can no longer be matched, so nothing on this connection is
   * trusted after a timeout or a protocol error — the twemproxy rule.
   * An idle connection the server closed (its `timeout` setting) is not a
   * failure of the server, nor is a close padda asked for (an error that is
   * not `judged`).
   */
  reset(error: UpstreamError): void {
    const socket = this.#socket;
    if (socket === null) return;
    const wasIdle = this.#open && this.queue.length === 0 && this.#outgoing.length === 0;
    this.#socket = null;
    this.#open = false;
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
    socket.removeAllListeners('data');
    socket.destroy();
    this.#outgoing.clear();
    this.#closedSent += socket.bytesWritten;
    this.#closedReceived += socket.bytesRead;
    const failed = this.queue.drainAll();
    for (const request of failed) request.fail(error);
    if (error.judged && !wasIdle) this.#events.failed(error, failed.length);
  }

  #opened(): void {
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
    this.#open = true;
    const socket = this.#socket;
    const refuse = (reason: string) => {
      if (this.#socket === socket) this.reset(new HandshakeRefusedError(this.server.label, reason));
    };
    const handshake = this.#options.handshake?.(refuse) ?? [];
    if (handshake.length > 0) {
      // AUTH and SELECT must reach the server before anything queued while connecting.
      const waiting = this.queue.drainAll();
      for (const step of handshake) {
        step.request.sentAt = performance.now();
        this.queue.push(step.request as T);
      }
      for (const request of waiting) this.queue.push(request);
      this.#outgoing.prepend(handshake.map((step) => step.bytes));
    }
    this.flush();
  }

  #received(chunk: Buffer): void {
    const before = this.queue.length;
    const error = this.#framer.feed(chunk, this.queue);
    if (error !== null) {
      this.reset(new UpstreamProtocolError(this.server.label, error));
      return;
    }
    if (this.queue.length < before) this.#events.succeeded();
  }
}
