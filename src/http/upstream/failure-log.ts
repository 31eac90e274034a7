import type { Logger } from '../../log.ts';

/** Failures of one upstream are logged at most this often; the rest are counted into the next line. */
const LOG_EVERY_MS = 1000;

/** The warn lines of one upstream's failures, throttled so a dead upstream under load cannot flood the log. */
export class FailureLog {
  private readonly label: string;
  private readonly log: Logger;
  private lastLog = 0;
  private unlogged = 0;

  constructor(label: string, log: Logger) {
    this.label = label;
    this.log = log;
  }

  failed(reason: string, error: Error | null): void {
    const now = Date.now();
    if (now - this.lastLog < LOG_EVERY_MS) {
      this.unlogged++;
      return;
    }
    this.log.warn({ upstream: this.label, reason, ...(error ? { err: error.message } : {}), ...(this.unlogged ? { alsoFailedSinceLastLine: this.unlogged } : {}) }, 'upstream request failed');
    this.lastLog = now;
    this.unlogged = 0;
  }
}
