import net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from '../../log.ts';
import { deadlines } from '../../net/deadlines.ts';
import { OutlierPolicy } from '../../upstream/outlier-policy.ts';
import { upstreamError, type Failure } from '../errors.ts';
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
 * health (the one OutlierPolicy of src/upstream). A connect failure counts
 * against the origin; `failureLimit` of them in a row eject it for
 * `ejectTime`, during which pickers skip it (and a request with nowhere left
 * to go gets 503); after it one request is a trial. Any response resets the
 * count. (Replica sets judge their origins by their own `eject` rules and
 * leave this off.)
 */
export class Origin implements ReplicaOrigin {
  readonly label: string;
  /** The Host header for this origin when the client's is not preserved. */
  readonly host: string;
  readonly address: OriginAddress;
  readonly pool: ConnectionPool;
  private readonly failures: FailureLog;
  private readonly outliers: OutlierPolicy;

  constructor(address: OriginAddress, settings: OriginSettings, log: Logger) {
    this.label = address.label;
    this.host = address.host;
    this.address = address;
    this.failures = new FailureLog(address.label, log);
    this.outliers = new OutlierPolicy({ failureLimit: settings.failureLimit, ejectTime: settings.ejectTime, trial: true }, {
      ejected: (cause, failures) => log.warn({ upstream: this.label, failures, reason: cause.reason, ejectMs: settings.ejectTime }, 'upstream ejected'),
      rejoined: () => log.info({ upstream: this.label }, 'upstream back in rotation'),
    });
    const { options, secure } = connectOptions(address);
    this.pool = new ConnectionPool(options, secure, settings, deadlines);
  }

  /** False while ejected. */
  get available(): boolean {
    return !this.outliers.ejected;
  }

  /** An answer came back: the origin is healthy. One store on the hot path. */
  answered(): void {
    this.outliers.succeeded();
  }

  /** A request to the origin failed: logged, and, if the origin could not be reached (refused, connect timeout, DNS), judged. */
  requestFailed(failure: Failure, error: Error | null): void {
    this.failed(failure.reason, error);
    if (!failure.connect) return;
    const cause = upstreamError(failure, this.label);
    if (cause !== null) this.outliers.failed(cause);
  }

  /** Logs an upstream failure (throttled). */
  failed(reason: string, error: Error | null): void {
    this.failures.failed(reason, error);
  }

  stats(): Record<string, unknown> {
    return { upstream: this.label, available: this.available, ...this.pool.stats() };
  }

  close(): Promise<void> {
    this.outliers.stop();
    return this.pool.close();
  }

  destroy(): void {
    this.outliers.stop();
    this.pool.destroy();
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
