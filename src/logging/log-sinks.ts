import type { Counter, Registry } from '../metrics/registry.ts';
import { LogSink } from './log-sink.ts';

/**
 * The process's log sinks, one per destination however many listeners write
 * there, so their lines interleave whole. `reopen` starts every file anew:
 * SIGUSR1, as nginx and logrotate's `postrotate` expect.
 *
 *   const sinks = new LogSinks(registry);
 *   const sink = sinks.acquire('/var/log/padda/access.log', 4 << 20);
 *   …
 *   await sinks.release(sink);
 */
export class LogSinks {
  private readonly registry: Registry;
  private readonly sinks = new Map<string, { sink: LogSink; users: number }>();

  constructor(registry: Registry) {
    this.registry = registry;
  }

  /** The sink for `path` (opened on first use; a later user's `bufferBytes` does not resize it). */
  acquire(path: string, bufferBytes: number): LogSink {
    const known = this.sinks.get(path);
    if (known !== undefined) {
      known.users++;
      return known.sink;
    }
    const labels = { destination: path };
    const written: Counter = this.registry.counter('padda_log_lines_total', 'Access and slow-log lines written.', labels);
    const dropped: Counter = this.registry.counter('padda_log_dropped_lines_total', 'Access and slow-log lines dropped: the buffer was full, or a write failed (disk full).', labels);
    const errors: Counter = this.registry.counter('padda_log_write_errors_total', 'Failed writes to a log destination; each drops what was buffered.', labels);
    const sink = new LogSink({ path, bufferBytes }, {
      written: (lines) => (written.value += lines),
      dropped: (lines) => (dropped.value += lines),
      failed: () => errors.value++,
    });
    this.sinks.set(path, { sink, users: 1 });
    return sink;
  }

  /** Closes the sink when its last user lets go. */
  async release(sink: LogSink): Promise<void> {
    const known = this.sinks.get(sink.path);
    if (known === undefined || known.sink !== sink || --known.users > 0) return;
    this.sinks.delete(sink.path);
    await sink.close();
  }

  reopen(): void {
    for (const { sink } of this.sinks.values()) sink.reopen();
  }
}
