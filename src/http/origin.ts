import { Pool } from 'undici';
import type { Logger } from '../log.ts';
import type { Failure } from './errors.ts';
import type { OriginAddress } from './origin-address.ts';
import type { PoolConfig } from './options.ts';

/** Failures of one origin are logged at most this often; the rest are counted into the next line. */
const LOG_EVERY_MS = 1000;

/**
 * One upstream origin: a keep-alive undici Pool and its passive health. A
 * connect failure counts against the origin; `failure_limit` of them in a row
 * eject it for `eject_time`, during which pickers skip it (and a request with
 * nowhere left to go gets 503). Any response resets the count.
 */
export class Origin {
  readonly label: string;
  /** The Host header for this origin when the client's is not preserved. */
  readonly host: string;
  readonly pool: Pool;
  private readonly failureLimit: number;
  private readonly ejectTime: number;
  private readonly log: Logger;
  private failures = 0;
  private ejectedUntil = 0;
  private lastLog = 0;
  private unlogged = 0;

  constructor(address: OriginAddress, pool: PoolConfig, connectTimeout: number, log: Logger) {
    this.label = address.label;
    this.host = address.host;
    this.failureLimit = pool.failure_limit;
    this.ejectTime = pool.eject_time;
    this.log = log;
    this.pool = new Pool(address.url, {
      connections: pool.connections,
      pipelining: pool.pipelining,
      keepAliveTimeout: pool.keepalive_timeout,
      connectTimeout,
      ...(address.socketPath ? { socketPath: address.socketPath } : {}),
    });
  }

  /** False while ejected. */
  get available(): boolean {
    return this.ejectedUntil === 0 || this.rejoin();
  }

  /** An answer came back: the origin is healthy. One store on the hot path. */
  answered(): void {
    this.failures = 0;
  }

  /** A request to the origin failed: logged, and, if the origin could not be reached (refused, connect timeout, DNS), counted towards ejection. */
  requestFailed(failure: Failure, error: Error): void {
    this.failed(failure.reason, error);
    if (failure.connect && this.failureLimit > 0 && ++this.failures >= this.failureLimit && this.ejectedUntil === 0) {
      this.ejectedUntil = Date.now() + this.ejectTime;
      this.log.warn({ upstream: this.label, failures: this.failures, ejectMs: this.ejectTime }, 'upstream ejected');
    }
  }

  /** Logs an upstream failure, throttled so a dead upstream under load cannot flood the log. */
  failed(reason: string, error: Error): void {
    const now = Date.now();
    if (now - this.lastLog < LOG_EVERY_MS) {
      this.unlogged++;
      return;
    }
    this.log.warn({ upstream: this.label, reason, err: error.message, ...(this.unlogged ? { alsoFailedSinceLastLine: this.unlogged } : {}) }, 'upstream request failed');
    this.lastLog = now;
    this.unlogged = 0;
  }

  stats(): Record<string, unknown> {
    const { connected, free, pending, running } = this.pool.stats;
    return { upstream: this.label, available: this.available, connected, free, pending, running };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  destroy(): void {
    void this.pool.destroy().catch(() => {});
  }

  private rejoin(): boolean {
    if (Date.now() < this.ejectedUntil) return false;
    // Half-open: let traffic try again; one more failure ejects it at once.
    this.ejectedUntil = 0;
    this.failures = Math.max(0, this.failureLimit - 1);
    this.log.info({ upstream: this.label }, 'upstream back in rotation');
    return true;
  }
}
