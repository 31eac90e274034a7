import type { AccessRecord } from './access-record.ts';
import { combinedAccessLine, jsonAccessLine } from './formats.ts';
import type { LogSink } from './log-sink.ts';
import type { AccessLogConfig } from './schema.ts';

/**
 * The access log of one HTTP listener. The data path calls `record` once a
 * request has ended; sampling and `slow_only` decide before anything is
 * formatted, so a request not logged costs a comparison (and a random number
 * when sampling).
 */
export class AccessLog {
  private readonly listener: string;
  private readonly sink: LogSink;
  private readonly sample: number;
  private readonly slowOnlyMs: number;
  private readonly combined: boolean;

  constructor(listener: string, config: AccessLogConfig, sink: LogSink) {
    this.listener = listener;
    this.sink = sink;
    this.sample = config.sample;
    this.slowOnlyMs = config.slow_only;
    this.combined = config.format === 'combined';
  }

  /** Whether a request that took `durationMs` is to be logged: cheap, so the caller may skip building the record. */
  wants(durationMs: number): boolean {
    if (durationMs < this.slowOnlyMs) return false;
    return this.sample >= 1 || Math.random() < this.sample;
  }

  record(record: AccessRecord): void {
    if (!this.wants(record.durationMs)) return;
    this.sink.write(this.combined ? combinedAccessLine(record) : jsonAccessLine(this.listener, record));
  }
}
