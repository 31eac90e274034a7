import { createHash } from 'node:crypto';
import type { LogSink } from './log-sink.ts';
import type { LogSinks } from './log-sinks.ts';
import type { SlowLogConfig } from './schema.ts';

/** One command that passed the threshold. */
export interface SlowCommand {
  /** When it arrived (epoch ms). */
  at: number;
  /** The client's address and port, as Redis's SLOWLOG entry shows it. */
  client?: string;
  /** The server it went to, as written in the config; absent when padda answered it. */
  server?: string;
  /** The command, as its metrics label it (get, hgetall, client|list; memcache's get, mg, set). */
  command: string;
  /** Its (first) key; the log shows it, a hash of it, or nothing, as configured. */
  key?: Uint8Array | string;
  /** From arrival to the reply written. */
  durationUs: number;
}

/**
 * The slowlog twemproxy never had, for a redis or memcache listener: one JSON
 * line per command slower than `threshold`, shaped like Redis's own SLOWLOG
 * entry as the book's fluentd adapter normalises it (a progressive id, time,
 * client, command, key, duration in µs), plus the listener and the server
 * that was slow. Unlike Redis's, the time is what the client waited: from
 * the command's arrival at padda to its reply, the network to the server
 * and its queue included.
 */
export class SlowLog {
  private readonly listener: string;
  private readonly sinks: LogSinks;
  private sink: LogSink | null;
  private readonly thresholdUs: number;
  private readonly keys: SlowLogConfig['keys'];
  /** Redis's "unique progressive identifier", per listener and process. */
  private id = 0;

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
    const line: Record<string, unknown> = { time: new Date(entry.at).toISOString(), id: this.id++, listener: this.listener };
    if (entry.client !== undefined) line.client = entry.client;
    if (entry.server !== undefined) line.server = entry.server;
    line.command = entry.command;
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
