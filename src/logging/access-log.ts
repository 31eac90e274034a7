import type { MessageHead } from '../protocols/http1/message-head.ts';
import { AccessRecord } from './access-record.ts';
import { combinedAccessLine, jsonAccessLine } from './formats.ts';
import type { LogSink } from './log-sink.ts';
import type { LogSinks } from './log-sinks.ts';
import type { AccessLogConfig } from './schema.ts';

/**
 * The access log of one HTTP listener's client side. `begin` is asked when
 * a request head is complete and decides sampling there, so a request not
 * sampled gets no record at all; `end` is told when its answer is over (or
 * the client left) and writes the line, unless `slow_only` rules it out.
 *
 *   const log = openAccessLog(sinks, 'web', config.access_log);   // null when the listener has none
 *   request.access = log?.begin(head, client.address, false) ?? null;
 *   …
 *   request.access = log.end(request.access);
 *   await log.close();
 */
export class AccessLog {
  private readonly listenerJson: string;
  private readonly sinks: LogSinks;
  private sink: LogSink | null;
  private readonly sample: number;
  private readonly slowOnlyMs: number;
  private readonly combined: boolean;

  constructor(listener: string, config: AccessLogConfig, sinks: LogSinks) {
    this.listenerJson = JSON.stringify(listener);
    this.sinks = sinks;
    this.sink = sinks.acquire(config.path, config.buffer);
    this.sample = config.sample;
    this.slowOnlyMs = config.slow_only;
    this.combined = config.format === 'combined';
  }

  /** A record for a request that is to be considered, or null when sampling leaves it out. */
  begin(head: MessageHead, client: string, http2: boolean): AccessRecord | null {
    if (this.sample < 1 && !(Math.random() < this.sample)) return null;
    return new AccessRecord(head, client, http2);
  }

  /**
   * The request is over (`clientLeft`: its client went away before its
   * answer was complete): its line, if it took at least `slow_only`. Null,
   * for the caller to drop its record with.
   */
  end(record: AccessRecord, clientLeft = false): null {
    if (clientLeft) record.clientLeft();
    const durationMs = performance.now() - record.started;
    if (durationMs >= this.slowOnlyMs && this.sink !== null) {
      this.sink.write(this.combined ? combinedAccessLine(record, new Date()) : jsonAccessLine(this.listenerJson, record, durationMs));
    }
    return null;
  }

  /** Lets go of the destination (its last user closes it); once. */
  async close(): Promise<void> {
    const sink = this.sink;
    this.sink = null;
    if (sink !== null) await this.sinks.release(sink);
  }
}

/** The listener's access log, or null when its config has no `access_log:`. */
export function openAccessLog(sinks: LogSinks, listener: string, config: AccessLogConfig | undefined): AccessLog | null {
  return config === undefined ? null : new AccessLog(listener, config, sinks);
}
