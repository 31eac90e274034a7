import { createHash } from 'node:crypto';
import type { LogSink } from './log-sink.ts';
import type { LogSinks } from './log-sinks.ts';
import type { SlowLogConfig } from './schema.ts';

/** One command that passed the threshold. */
export interface SlowCommand {
  /** When it arrived (epoch ms). */
  at: number;
  /** The server it went to, as written in the config; absent when padda answered it. */
  server?: string;
  /** The command name, upper-case for redis (GET), as sent for memcache (get). */
  command: string;
  /** Its (first) key; the log shows it, a hash of it, or nothing, as configured. */
  key?: Uint8Array | string;
  /** From arrival to the reply written. */
  durationUs: number;
}

/**
 * The slowlog twemproxy never had, for a redis or memcache listener: one JSON
 * line per command slower than `threshold`, shaped like Redis's own SLOWLOG
 * entry as the book's fluentd adapter normalises it (time, duration in µs,
 * command, key), plus the listener and the server that was slow.
 */
export class SlowLog {
  private readonly listener: string;
  private readonly sinks: LogSinks;
  private sink: LogSink | null;
  private readonly thresholdUs: number;
  private readonly keys: SlowLogConfig['keys'];

  constructor(listener: string, config: SlowLogConfig, sinks: LogSinks) {
    this.listener = listener;
    this.sinks = sinks;
    this.sink = sinks.acquire(config.path, config.buffer);
    this.thresholdUs = config.threshold * 1000;
    this.keys = config.keys;
  }

  /** Cheap: the caller may test this before building the entry. */
  wants(durationUs: number): boolean {
    return durationUs >= this.thresholdUs;
  }

  record(entry: SlowCommand): void {
    if (!this.wants(entry.durationUs) || this.sink === null) return;
    const line: Record<string, unknown> = {
      time: new Date(entry.at).toISOString(),
      listener: this.listener,
      ...(entry.server !== undefined ? { server: entry.server } : {}),
      command: entry.command,
    };
    if (entry.key !== undefined && this.keys !== 'omit') line.key = this.keys === 'show' ? keyText(entry.key) : `sha256:${createHash('sha256').update(entry.key).digest('hex').slice(0, 16)}`;
    line.duration_us = Math.round(entry.durationUs);
    this.sink.write(JSON.stringify(line) + '\n');
  }

  /** Lets go of the destination (its last user closes it); once. */
  async close(): Promise<void> {
    const sink = this.sink;
    this.sink = null;
    if (sink !== null) await this.sinks.release(sink);
  }
}

/** Keys are bytes: valid UTF-8 shows as text, anything else as base64 (marked), so a line stays valid JSON of the real key. */
function keyText(key: Uint8Array | string): string {
  if (typeof key === 'string') return key;
  const text = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
  return text.includes('\ufffd') ? `base64:${Buffer.from(key).toString('base64')}` : text;
}
