import type net from 'node:net';
import type { CommandSeries } from '../../metrics/command-metrics.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import { RequestScanner } from '../../protocols/memcache/index.ts';
import { Fifo } from '../../upstream/fifo.ts';
import { scheduleFlush, type Flushable } from '../../upstream/flush-scheduler.ts';
import type { ServerConnection } from '../../upstream/server-connection.ts';
import { writeBatch } from '../../upstream/write-batch.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { ForwardedRequest } from './forwarded-request.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';
import { ReplySlot, type SlotOwner } from './reply-slot.ts';

const MN_REQUEST = Buffer.from('mn\r\n');

export interface SessionLimits {
  itemSizeMax: number;
  outputLimit: number;
  maxInflight: number;
}

export interface SessionHost {
  readonly dispatcher: Dispatcher;
  readonly metrics: ListenerMetrics;
  readonly limits: SessionLimits;
  sessionClosed(session: ClientSession, socket: net.Socket): void;
  outputOverflowed(address: string | undefined): void;
}

/**
 * One client connection of a memcache listener. Requests are scanned in
 * place and dispatched as they arrive; each takes a slot in the client's
 * reply queue, and replies are written in request order, batched per
 * event-loop turn. Reading pauses — and the kernel pushes back on the
 * client — while too many requests are in flight, while unread replies
 * pile up, or while a server connection is congested.
 */
export class ClientSession implements Flushable, SlotOwner {
  readonly id: number;
  readonly #socket: net.Socket;
  readonly #host: SessionHost;
  readonly #scanner: RequestScanner;
  readonly #replies = new Fifo<ReplySlot>();
  #out: Buffer[] = [];
  #outBytes = 0;
  /** Bytes of complete replies still queued behind an unanswered one. */
  #held = 0;
  #paused = false;
  #closed = false;
  /** Close once every queued reply is written: quit, bad input memcached closes on, the client's FIN, a drain. */
  #closing = false;
  #ended = false;
  /** The open quiet run and the connection its `mn` must follow on; closed at the end of every read. */
  #quietEntry: ForwardedRequest | null = null;
  #quietConnection: ServerConnection<MemcacheInFlight> | null = null;
  readonly #resume = () => this.#resumeIfClear();

  constructor(id: number, socket: net.Socket, host: SessionHost) {
    this.id = id;
    this.#socket = socket;
    this.#host = host;
    this.#scanner = new RequestScanner({ itemSizeMax: host.limits.itemSizeMax });
    socket.on('data', (chunk: Buffer) => this.#received(chunk));
    socket.on('drain', this.#resume);
    socket.on('end', () => this.finishAfterReplies());
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#closed = true;
      // Servers still owe replies to these; dropping them here lets each be freed as it arrives.
      this.#replies.drainAll();
      host.sessionClosed(this, socket);
    });
  }

  /** Queues a slot in reply order; it is written once complete and first. */
  push(slot: ReplySlot): void {
    this.#replies.push(slot);
  }

  /** A reply padda gives itself, in its place in the order. */
  answer(command: CommandSeries, bytes: Buffer): void {
    const slot = new ReplySlot(this, command);
    this.#replies.push(slot);
    slot.finish(bytes);
  }

  completed(slot: ReplySlot): void {
    if (this.#closed) return;
    this.#held += slot.size;
    if (this.#replies.peek() === slot) this.#release();
    else if (this.#held > this.#host.limits.outputLimit) this.#overflow();
  }

  quietRunOn(connection: ServerConnection<MemcacheInFlight>): ForwardedRequest | null {
    return this.#quietConnection === connection ? this.#quietEntry : null;
  }

  startQuietRun(entry: ForwardedRequest, connection: ServerConnection<MemcacheInFlight>): void {
    this.#quietEntry = entry;
    this.#quietConnection = connection;
  }

  /** Sends the run's `mn`: the server's MN then marks where the run's replies end. */
  closeQuietRun(): void {
    const connection = this.#quietConnection;
    if (connection === null) return;
    connection.write(MN_REQUEST);
    this.#quietEntry = null;
    this.#quietConnection = null;
  }

  /**
   * Dispatches nothing more and closes once the replies owed so far are
   * written. Reading goes on, discarding, so the client's FIN is seen and
   * the socket closes once both sides have ended.
   */
  finishAfterReplies(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
    scheduleFlush(this);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  flush(): void {
    if (this.#closed || this.#ended) return;
    const socket = this.#socket;
    if (this.#out.length > 0) {
      writeBatch(socket, this.#out, this.#outBytes);
      this.#out = [];
      this.#outBytes = 0;
      const limit = this.#host.limits.outputLimit;
      if (socket.writableLength > limit) {
        this.#overflow();
        return;
      }
      if (socket.writableLength > limit / 2) this.#pause();
    }
    if (this.#closing && this.#replies.length === 0) {
      this.#ended = true;
      socket.end();
    }
  }

  #received(chunk: Buffer): void {
    if (this.#closing) return;
    const scanner = this.#scanner;
    const dispatcher = this.#host.dispatcher;
    scanner.push(chunk);
    while (!this.#closing && scanner.next()) dispatcher.dispatch(this, scanner.request);
    this.closeQuietRun();
    if (this.#replies.length >= this.#host.limits.maxInflight || dispatcher.pool.congested()) {
      this.#pause();
      // Replies will resume a client paused for its in-flight count; one paused
      // for a congested server needs the pool to say when it drained.
      this.#resumeIfClear();
    }
  }

  /** Writes every complete reply at the head of the queue, in order. */
  #release(): void {
    const replies = this.#replies;
    const now = performance.now();
    const listener = this.#host.metrics.duration;
    for (let head = replies.peek(); head !== undefined && head.done; head = replies.peek()) {
      replies.shift();
      this.#held -= head.size;
      const bytes = head.bytes;
      if (Array.isArray(bytes)) for (const part of bytes) this.#queue(part);
      else this.#queue(bytes);
      const seconds = (now - head.startedAt) / 1000;
      listener.observe(seconds);
      head.command.duration.observe(seconds);
    }
    scheduleFlush(this);
    if (this.#paused) this.#resumeIfClear();
  }

  /** A client that does not read its replies, or waits on one while others pile up, is dropped, not buffered without end. */
  #overflow(): void {
    this.#host.outputOverflowed(this.#socket.remoteAddress);
    this.#socket.destroy();
  }

  #queue(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
  }

  #resumeIfClear(): void {
    if (!this.#paused || this.#closing || this.#closed) return;
    const limits = this.#host.limits;
    if (this.#replies.length >= limits.maxInflight / 2 || this.#socket.writableLength > limits.outputLimit / 2) return;
    const pool = this.#host.dispatcher.pool;
    if (pool.congested()) {
      pool.whenUncongested(this.#resume);
      return;
    }
    this.#paused = false;
    this.#socket.resume();
  }
}
