import type net from 'node:net';
import type { SlowLog } from '../logging/slow-log.ts';
import type { CommandSeries } from '../metrics/command-metrics.ts';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import { Fifo } from '../net/fifo.ts';
import { scheduleFlush, type Flushable } from '../net/flush-scheduler.ts';
import { readShared } from '../net/shared-read.ts';
import { writeBatch } from '../net/write-batch.ts';
import type { UpstreamError } from '../upstream/errors.ts';
import type { SessionLimits } from './client-limits.ts';
import type { ClientProtocol, PoolProtocol } from './protocol.ts';
import { ReplySlot, type SlotOwner } from './reply-slot.ts';

/** The backends' side of backpressure: a congested server connection pauses every client feeding it. */
export interface Congestion {
  congested(): boolean;
  /** Calls `resume` once no server connection is congested any more. */
  whenUncongested(resume: () => void): void;
}

/** What a session needs of its listener. */
export interface SessionHost {
  readonly metrics: ListenerMetrics;
  readonly limits: SessionLimits;
  readonly pool: Congestion;
  readonly protocol: PoolProtocol;
  /** The listener's slow-command log, or null. */
  readonly slowLog: SlowLog | null;
  /** The session's socket closed. */
  closed(session: ClientSession): void;
  /** The session is being cut for leaving `unread` bytes of replies unread past an output limit. */
  overflowed(session: ClientSession, unread: number, hard: boolean): void;
}

/**
 * One client connection of a sharding listener, whatever its protocol
 * (twemproxy's client connection, nc_client.c): the protocol scans and
 * dispatches requests, and each takes a slot in the session's reply queue;
 * replies leave in request order, gathered per event-loop turn into one
 * write. Reads go into one buffer shared by every client (net/shared-read.ts);
 * what a read leaves undispatched is copied out. Reading pauses — and the kernel pushes back on the client — while
 * `maxInflight` requests are in flight (resuming at half), while unread
 * replies pass half of client_output_limit, while a server connection is
 * congested, or while a barrier request waits. A client whose unread replies
 * stay past client_output_limit for client_output_limit_time is cut (one
 * draining a large reply gets through it), and one past the hard limit at
 * once: Redis's client-output-buffer-limit.
 */
export class ClientSession implements Flushable, SlotOwner {
  readonly id: number;
  readonly socket: net.Socket;
  /** A request nothing after it is dispatched until it is answered (a Redis blocking command), or null. */
  barrier: ReplySlot | null = null;
  readonly #host: SessionHost;
  readonly #protocol: ClientProtocol;
  /** Starts small: an idle client should cost little; it grows with a pipeline. */
  readonly #replies = new Fifo<ReplySlot>(4);
  /** The slot the request being dispatched pushed, if any: it is given the request's key for the slow log. */
  #pushed: ReplySlot | null = null;
  #out: Buffer[] = [];
  #outBytes = 0;
  /** Bytes of complete replies still queued behind an unanswered one. */
  #held = 0;
  #paused = false;
  #closed = false;
  /** Close once every queued reply is written: quit, bad input, the client's FIN, a drain. */
  #closing = false;
  #ended = false;
  /** Inside the dispatch loop: a reply completed by a request being dispatched must not start a second loop. */
  #dispatching = false;
  /** Cuts the client if it is still past the soft output limit when it fires. */
  #softLimitTimer: NodeJS.Timeout | null = null;
  readonly #resume = () => this.#dispatch();

  constructor(id: number, socket: net.Socket, host: SessionHost) {
    this.id = id;
    this.socket = socket;
    this.#host = host;
    this.#protocol = host.protocol.client(this);
    const received = (chunk: Buffer) => {
      if (this.#closing) return;
      const protocol = this.#protocol;
      protocol.push(chunk);
      this.#dispatch();
      protocol.retain();
    };
    if (!readShared(socket, received)) socket.on('data', received);
    socket.on('drain', () => {
      // Everything written was taken: whatever the client owed, it has read it.
      this.#clearSoftLimit();
      this.#dispatch();
    });
    socket.on('end', () => this.finishAfterReplies());
    // A reset (or a write to a client that is gone): nutcracker counts it as client_err.
    socket.on('error', () => this.#host.metrics.error('client_reset'));
    socket.once('close', () => this.#onClose());
  }

  get gone(): boolean {
    return this.#closed;
  }

  /** Queues a slot in reply order; it is written once complete and first. */
  push(slot: ReplySlot): void {
    this.#replies.push(slot);
    this.#pushed = slot;
  }

  /** A reply padda gives itself, in its place in the order. */
  answer(bytes: Buffer, command: CommandSeries | null): void {
    const slot = new ReplySlot(this, command);
    this.#replies.push(slot);
    slot.finish(bytes);
  }

  /** The client broke its protocol: `reply`, if any, is its last answer, and the session closes after it. */
  protocolError(reply: Buffer | null): void {
    this.#host.metrics.error('protocol');
    if (reply !== null) this.answer(reply, null);
    this.finishAfterReplies();
  }

  failure(error: UpstreamError): Buffer {
    return this.#host.protocol.failure(error);
  }

  completed(slot: ReplySlot): void {
    if (slot === this.barrier) this.barrier = null;
    if (this.#closed) return;
    this.#held += slot.size;
    if (this.#replies.peek() === slot) this.#release();
    else this.#checkOutput();
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
      this.socket.resume();
    }
    scheduleFlush(this);
  }

  destroy(): void {
    this.socket.destroy();
  }

  flush(): void {
    if (this.#closed || this.#ended) return;
    const socket = this.socket;
    if (this.#out.length > 0) {
      writeBatch(socket, this.#out, this.#outBytes);
      this.#out = [];
      this.#outBytes = 0;
      if (this.#checkOutput()) return;
      if (!this.#paused && !this.#closing && this.#holding()) this.#pause();
    }
    if (this.#closing && this.#replies.length === 0) {
      this.#ended = true;
      socket.end();
    }
  }

  /** Dispatches what has been read until nothing is left or something says hold; pauses or resumes reading. */
  #dispatch(): void {
    if (this.#closed || this.#closing || this.#dispatching) return;
    const protocol = this.#protocol;
    const metrics = this.#host.metrics;
    const slowLog = this.#host.slowLog;
    this.#dispatching = true;
    this.#pushed = null;
    while (!this.#holding() && protocol.next()) {
      metrics.requests.value++;
      if (slowLog === null) continue;
      // The key is copied now, while the read buffer still holds it; only a slow reply will show it.
      // Set by push() during next(), which the compiler cannot see.
      const pushed = this.#pushed as ReplySlot | null;
      if (pushed !== null) pushed.key = protocol.firstKey();
      this.#pushed = null;
    }
    protocol.readDone();
    this.#dispatching = false;
    if (this.#closing) return;
    const congestion = this.#host.pool;
    // Server congestion is checked once per read, not per request: it changes only when a batch is flushed.
    const congested = congestion.congested();
    if (congested) congestion.whenUncongested(this.#resume);
    if (congested || this.#holding()) this.#pause();
    else if (this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  /**
   * Whether to stop dispatching. Once paused for too many requests in
   * flight, reading resumes only when half of them are answered, so a long
   * pipeline goes in steps rather than one request at a time.
   */
  #holding(): boolean {
    if (this.#closing || this.barrier !== null) return true;
    const limits = this.#host.limits;
    const inFlight = this.#replies.length;
    if (this.#paused ? inFlight > limits.maxInflight / 2 : inFlight >= limits.maxInflight) return true;
    return this.socket.writableLength + this.#held > limits.outputLimit / 2;
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.socket.pause();
  }

  /** Writes every complete reply at the head of the queue, in order. */
  #release(): void {
    const replies = this.#replies;
    const now = performance.now();
    const listener = this.#host.metrics.duration;
    const protocol = this.#host.protocol;
    const slowLog = this.#host.slowLog;
    for (let head = replies.peek(); head !== undefined && head.done; head = replies.peek()) {
      replies.shift();
      this.#held -= head.size;
      const bytes = head.bytes;
      if (Array.isArray(bytes)) for (const part of bytes) this.#queue(part);
      else this.#queue(bytes);
      const elapsed = now - head.startedAt;
      const seconds = elapsed / 1000;
      listener.observe(seconds);
      const command = head.command;
      if (slowLog !== null && command !== null && slowLog.wants(elapsed * 1000)) this.#slow(slowLog, head, command, elapsed);
      if (command !== null) {
        command.duration.observe(seconds);
        if (command.errors !== null && !Array.isArray(bytes) && protocol.isError(bytes)) command.errors.value++;
      }
    }
    scheduleFlush(this);
    if (this.#paused) this.#dispatch();
  }

  /** A reply past the slow log's threshold: logged when a pool server answered it (see ReplySlot.server). */
  #slow(slowLog: SlowLog, slot: ReplySlot, command: CommandSeries, elapsedMs: number): void {
    const server = slot.server;
    if (server === null) return;
    const client = `${this.socket.remoteAddress}:${this.socket.remotePort}`;
    slowLog.record({ at: performance.timeOrigin + slot.startedAt, client, server, command: command.name, key: slot.key ?? undefined, durationUs: elapsedMs * 1000 });
  }

  #queue(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  /**
   * A client that does not read its replies, or waits on one while others
   * pile up, is dropped, not buffered without end: at once past the hard
   * limit, after client_output_limit_time past the soft one. True when cut.
   */
  #checkOutput(): boolean {
    const limits = this.#host.limits;
    const unread = this.socket.writableLength + this.#held;
    if (unread > limits.outputHardLimit) {
      this.#overflow(unread, true);
      return true;
    }
    if (unread > limits.outputLimit && this.#softLimitTimer === null) {
      this.#softLimitTimer = setTimeout(() => {
        this.#softLimitTimer = null;
        const still = this.socket.writableLength + this.#held;
        if (!this.#closed && still > limits.outputLimit) this.#overflow(still, false);
      }, limits.outputLimitTime);
      this.#softLimitTimer.unref();
    }
    return false;
  }

  #clearSoftLimit(): void {
    if (this.#softLimitTimer === null) return;
    clearTimeout(this.#softLimitTimer);
    this.#softLimitTimer = null;
  }

  #overflow(unread: number, hard: boolean): void {
    // Gone from here on, not from the 'close' event a tick later: replies still arriving are skipped, not counted again.
    this.#closed = true;
    this.#host.overflowed(this, unread, hard);
    this.socket.destroy();
  }

  #onClose(): void {
    this.#closed = true;
    this.#clearSoftLimit();
    // Servers still owe replies to these; dropping them here lets each be freed as it arrives.
    this.#replies.drainAll();
    this.#protocol.closed();
    this.#host.closed(this);
  }
}
