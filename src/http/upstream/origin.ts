import net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from '../../log.ts';
import { deadlines } from '../../net/deadlines.ts';
import type { Failure } from '../errors.ts';
import type { OriginAddress } from './origin-address.ts';
import { ConnectionPool, type PoolSettings } from './connection-pool.ts';
import { FailureLog } from './failure-log.ts';
import type { ReplicaOrigin } from './replica.ts';

/** How an origin connects and when it is ejected: a mode's `pool` block and `timeouts.connect`, flattened. */
export interface OriginSettings extends PoolSettings {
  /** Consecutive connect failures that eject the origin; 0 never (replica sets eject by their own rules instead). */
  readonly failureLimit: number;
  readonly ejectTime: number;
}

/**
 * One upstream origin: its keep-alive connection pool and its passive
 * health. A connect failure counts against the origin; `failureLimit` of
 * them in a row eject it for `ejectTime`, during which pickers skip it (and
 * a request with nowhere left to go gets 503). Any response resets the count.
 */
export class Origin implements ReplicaOrigin {
  readonly label: string;
  /** The Host header for this origin when the client's is not preserved. */
  readonly host: string;
  readonly address: OriginAddress;
  readonly pool: ConnectionPool;
  private readonly settings: OriginSettings;
  private readonly log: Logger;
  private readonly failures: FailureLog;
  private consecutive = 0;
  private ejectedUntil = 0;

  constructor(address: OriginAddress, settings: OriginSettings, log: Logger) {
    this.label = address.label;
    this.host = address.host;
    this.address = address;
    this.settings = settings;
    this.log = log;
    this.failures = new FailureLog(address.label, log);
    const { options, secure } = connectOptions(address);
    this.pool = new ConnectionPool(options, secure, settings, deadlines);
  }

  /** False while ejected. */
  get available(): boolean {
    return this.ejectedUntil === 0 || this.rejoin();
  }

  /** An answer came back: the origin is healthy. One store on the hot path. */
  answered(): void {
    this.consecutive = 0;
  }

  /** A request to the origin failed: logged, and, if the origin could not be reached (refused, connect timeout, DNS), counted towards ejection. */
  requestFailed(failure: Failure, error: Error | null): void {
    this.failed(failure.reason, error);
    const limit = this.settings.failureLimit;
    if (failure.connect && failure.judged && limit > 0 && ++this.consecutive >= limit && this.ejectedUntil === 0) {
      this.ejectedUntil = Date.now() + this.settings.ejectTime;
      this.log.warn({ upstream: this.label, failures: this.consecutive, ejectMs: this.settings.ejectTime }, 'upstream ejected');
    }
  }

  /** Logs an upstream failure (throttled). */
  failed(reason: string, error: Error | null): void {
    this.failures.failed(reason, error);
  }

  stats(): Record<string, unknown> {
    return { upstream: this.label, available: this.available, ...this.pool.stats() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  destroy(): void {
    this.pool.destroy();
  }

  private rejoin(): boolean {
    if (Date.now() < this.ejectedUntil) return false;
    // Half-open: let traffic try again; one more failure ejects it at once.
    this.ejectedUntil = 0;
    this.consecutive = Math.max(0, this.settings.failureLimit - 1);
    this.log.info({ upstream: this.label }, 'upstream back in rotation');
    return true;
  }
}

/** Where the pool's sockets connect: a unix socket, or host and port (with TLS and SNI for https). */
function connectOptions(address: OriginAddress): { options: net.NetConnectOpts | tls.ConnectionOptions; secure: boolean } {
  if (address.socketPath !== undefined) return { options: { path: address.socketPath }, secure: false };
  const url = new URL(address.url);
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  if (!secure) return { options: { host, port }, secure };
  return { options: { host, port, ALPNProtocols: ['http/1.1'], ...(net.isIP(host) === 0 ? { servername: host } : {}) }, secure };
}
