import type { Logger } from '../../log.ts';
import type { Counter, Gauge } from '../../metrics/registry.ts';
import { ErrorStatusError, type UpstreamError } from '../../upstream/errors.ts';
import { OutlierPolicy } from '../../upstream/outlier-policy.ts';
import { upstreamError, type Failure } from '../errors.ts';
import type { OriginAddress } from './origin-address.ts';
import type { EjectConfig, HealthConfig } from './replica-options.ts';

/**
 * What a replica sends its requests through: padda's own connection pool
 * (origin.ts) for the proxying modes, an undici pool for scatter/gather's
 * leaf calls. Replaced whole when DNS gives the replica a new address.
 */
export interface ReplicaOrigin {
  /** The Host header for it when the client's is not preserved. */
  readonly host: string;
  /** Logs a failure (throttled). */
  failed(reason: string, error: Error | null): void;
  stats(): Record<string, unknown>;
  /** Closes once its requests are done. */
  close(): Promise<void>;
  destroy(): void;
}

export interface ReplicaWiring<O extends ReplicaOrigin> {
  eject: EjectConfig;
  health: HealthConfig | undefined;
  /** Makes the replica's origin for an address (again after a DNS change). */
  connect(address: OriginAddress): O;
  log: Logger;
  up: Gauge;
  ejections: Counter;
  /** The replica's availability flipped. */
  changed(): void;
}

/**
 * One replica of a replica set: its origin (a connection pool) plus what
 * balancing and health need — requests in flight, passive health (the one
 * OutlierPolicy of src/upstream, with a trial after each ejection: one more
 * failure ejects again at once) and active health (failing its checks).
 * Transitions are timer-driven, so the set can keep a list of available
 * replicas and the hot path never reads the clock.
 */
export class Replica<O extends ReplicaOrigin = ReplicaOrigin> {
  readonly label: string;
  readonly address: OriginAddress;
  /** Where requests go. Replaced when DNS gives the host a new address; the old one finishes its requests. */
  origin: O;
  /** Requests picked for this replica and not released yet: the load power-of-two-choices compares. */
  inFlight = 0;
  private readonly wiring: ReplicaWiring<O>;
  private readonly outliers: OutlierPolicy;
  private healthy = true;
  private passes = 0;
  private fails = 0;

  constructor(address: OriginAddress, wiring: ReplicaWiring<O>) {
    this.label = address.label;
    this.address = address;
    this.wiring = wiring;
    this.origin = wiring.connect(address);
    this.outliers = new OutlierPolicy({ failureLimit: wiring.eject.failures, ejectTime: wiring.eject.time, trial: true }, {
      ejected: (cause, failures) => {
        wiring.ejections.value++;
        wiring.log.warn({ replica: this.label, failures, reason: cause.reason, code: cause.code, err: cause.message, ejectMs: wiring.eject.time }, 'replica ejected');
        this.flipped();
      },
      rejoined: () => {
        wiring.log.info({ replica: this.label }, 'replica back in rotation');
        this.flipped();
      },
    });
    wiring.up.set(1);
  }

  get available(): boolean {
    return !this.outliers.ejected && this.healthy;
  }

  /**
   * Ends one request begun by ReplicaSet.pick: answered with `status`
   * (`cause` null) or failed for `cause`. Judged failures, and with
   * `eject.on_5xx` 5xx answers, count towards ejection; any other answer
   * resets the count; a cause that is not judged leaves it alone.
   */
  release(status: number, cause: UpstreamError | null): void {
    this.inFlight--;
    if (cause !== null) this.outliers.failed(cause);
    else if (status >= 500 && this.wiring.eject.on_5xx) this.outliers.failed(new ErrorStatusError(this.label, status));
    else this.outliers.succeeded();
  }

  /** release() for an exchange's outcome: null when it was answered in full, else its failure. */
  settle(status: number, failure: Failure | null): void {
    if (failure === null) this.release(status, null);
    else if (failure.error !== null) this.release(status, upstreamError(failure, this.label));
    else this.releaseUnjudged();
  }

  /** Ends one request without judging the replica: the client left, padda gave up, or the answer is a finding (a shadow's 5xx). */
  releaseUnjudged(): void {
    this.inFlight--;
  }

  /** An active check's result; `fails` in a row take the replica out, `passes` in a row bring it back. */
  checked(ok: boolean, detail: string): void {
    const health = this.wiring.health!;
    if (ok) {
      this.fails = 0;
      if (!this.healthy && ++this.passes >= health.passes) this.setHealthy(true, detail);
    } else {
      this.passes = 0;
      if (this.healthy && ++this.fails >= health.fails) this.setHealthy(false, detail);
    }
  }

  /** DNS gave the host another address: new connections from now on, the old pool closes once its requests finish. */
  renew(): void {
    const old = this.origin;
    this.origin = this.wiring.connect(this.address);
    void old.close().catch(() => {});
  }

  stats(): Record<string, unknown> {
    return { replica: this.label, available: this.available, ejected: this.outliers.ejected, healthy: this.healthy, in_flight: this.inFlight };
  }

  /** Stops the rejoin timer; the origin is closed by the caller. */
  stop(): void {
    this.outliers.stop();
  }

  private setHealthy(healthy: boolean, detail: string): void {
    this.healthy = healthy;
    this.passes = 0;
    this.fails = 0;
    if (healthy) this.wiring.log.info({ replica: this.label }, 'replica passed its health checks');
    else this.wiring.log.warn({ replica: this.label, check: detail }, 'replica failed its health checks');
    this.flipped();
  }

  private flipped(): void {
    this.wiring.up.set(this.available ? 1 : 0);
    this.wiring.changed();
  }
}
