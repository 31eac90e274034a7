/**
 * Where access and slow-command lines go: stdout or a file, written by
 * pino's asynchronous destination (sonic-boom) so the event loop never waits
 * on the disk. Its buffer is bounded: a line that does not fit is dropped and
 * counted, as is every line lost to a write error (a full disk). After an
 * error the destination is opened anew a second later, so logging resumes
 * once there is room. `reopen` starts a new file at the same path: the
 * logrotate convention (rename, then SIGUSR1), which also brings back a file
 * deleted under padda.
 *
 *   const sink = new LogSink({ path: '/var/log/padda/access.log', bufferBytes: 4 << 20 }, counters);
 *   sink.write(line + '\n');
 *   sink.reopen();        // on SIGUSR1
 *   await sink.close();
 */
import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** How long after a write error the destination is opened again. */
const RETRY_MS = 1_000;
/**
 * Lines are written in batches of this many bytes, or every FLUSH_MS, as
 * nginx's `access_log … buffer= flush=`: one write per line costs the
 * event loop a libuv request and a callback each (+13 µs of CPU per request
 * at 10k requests/s, bench/access-log.ts), a batch a few a second. Below
 * sonic-boom's 16 KiB maxWrite, as it requires.
 */
const FLUSH_BYTES = 8 * 1024;
const FLUSH_MS = 100;

export interface LogSinkOptions {
  /** A file path, or 'stdout'. */
  path: string;
  /** Bytes the sink may hold unwritten; lines beyond are dropped. */
  bufferBytes: number;
}

/** Where a sink reports what became of its lines. */
export interface LogSinkCounters {
  written(lines: number): void;
  dropped(lines: number): void;
  /** A write error, once per failure (not per line lost). */
  failed?(error: Error): void;
}

export class LogSink {
  readonly path: string;
  private readonly bufferBytes: number;
  private readonly counters: LogSinkCounters;
  private destination: Destination | null = null;
  /** Byte lengths of the lines handed to the destination and not yet written, oldest first. */
  private pending: number[] = [];
  private pendingHead = 0;
  /** Bytes of the oldest pending line already written (a partial write). */
  private pendingWritten = 0;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private droppedNow = false;

  constructor(options: LogSinkOptions, counters: LogSinkCounters) {
    this.path = options.path;
    this.bufferBytes = options.bufferBytes;
    this.counters = counters;
    this.open();
  }

  /** One whole line, newline included. Never blocks and never throws. */
  write(line: string): void {
    const destination = this.destination;
    if (destination === null) {
      this.counters.dropped(1);
      return;
    }
    // sonic-boom drops a line past its maxLength itself, emitting 'drop' at once: only accepted lines are pending.
    // Buffers: in its string mode sonic-boom measures the whole batch it appends to at every write.
    const bytes = Buffer.from(line);
    this.droppedNow = false;
    // sonic-boom's types know only its string mode.
    destination.write(bytes as unknown as string);
    if (this.droppedNow) this.counters.dropped(1);
    else this.pending.push(bytes.length);
  }

  /** A new file at the same path (logrotate's SIGUSR1); a batch being written ends in the old file, lines still buffered go to the new one. */
  reopen(): void {
    if (this.closed || this.path === 'stdout') return;
    if (this.destination === null) {
      if (this.retry !== null) clearTimeout(this.retry);
      this.retry = null;
      this.open();
      return;
    }
    this.destination.reopen();
  }

  /** Writes what is buffered (for up to `graceMs`), then closes the file. */
  async close(graceMs = 2_000): Promise<void> {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    const destination = this.destination;
    if (destination === null) return;
    // sonic-boom's end() during a reopen that waits for a write in flight leaves its buffer
    // unwritten and never closes (its reopen returns early once ending): let the lines out first.
    const deadline = Date.now() + graceMs;
    destination.flush();
    while (this.pendingHead < this.pending.length && this.destination === destination && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.destination !== destination) return;
    this.destination = null;
    this.counters.dropped(this.pending.length - this.pendingHead);
    await new Promise<void>((resolve) => {
      destination.once('close', () => resolve());
      destination.once('error', () => resolve());
      const timer = setTimeout(() => {
        destination.destroy();
        resolve();
      }, graceMs);
      timer.unref();
      destination.end();
    });
  }

  private open(): void {
    const batching = { sync: false, contentMode: 'buffer', maxLength: this.bufferBytes, minLength: Math.min(FLUSH_BYTES, this.bufferBytes >> 1), periodicFlush: FLUSH_MS } as const;
    const destination = pino.destination(this.path === 'stdout' ? { dest: 1, ...batching } : { dest: this.path, mkdir: true, append: true, ...batching });
    destination.on('write', (bytes: number) => this.settled(bytes));
    destination.on('drop', () => {
      this.droppedNow = true;
    });
    destination.on('error', (error: Error) => this.failed(destination, error));
    this.destination = destination;
  }

  /** `bytes` more were written: the lines they complete are done. */
  private settled(bytes: number): void {
    let left = bytes + this.pendingWritten;
    let lines = 0;
    while (this.pendingHead < this.pending.length && left >= this.pending[this.pendingHead]!) {
      left -= this.pending[this.pendingHead++]!;
      lines++;
    }
    this.pendingWritten = left;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    if (lines > 0) this.counters.written(lines);
  }

  /**
   * sonic-boom stops writing after an error and keeps its buffer: every line
   * in it is lost. Count them, drop the destination, and open a new one later.
   */
  private failed(destination: Destination, error: Error): void {
    if (this.destination !== destination) return;
    this.counters.failed?.(error);
    this.counters.dropped(this.pending.length - this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    this.pendingWritten = 0;
    this.destination = null;
    destination.removeAllListeners('write');
    destination.removeAllListeners('drop');
    destination.on('error', () => {});
    destination.destroy();
    if (!this.closed) {
      this.retry = setTimeout(() => {
        this.retry = null;
        if (!this.closed && this.destination === null) this.open();
      }, RETRY_MS);
      this.retry.unref();
    }
  }
}
