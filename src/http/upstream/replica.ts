import type { Logger } from '../../log.ts';
import type { Counter, Gauge } from '../../metrics/registry.ts';
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

/**
 * A release reason that leaves the replica's health alone, for outcomes the
 * caller does not want judged: a request that never went out, or a shadow
 * copy's 5xx (a finding to compare, not a reason to stop copying).
 */
export const NOT_JUDGED = 'not_judged';

/** Outcomes that say nothing about the replica: the client left, padda is reloading, or the caller said so. */
const NEUTRAL = new Set(['client_closed', 'listener_reloading', NOT_JUDGED]);

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
 * One replica of a replica set: its origin (a connection pool) plus what balancing
 * and health need — requests in flight, consecutive failures, whether it is
 * ejected (passive) or failing its checks (active). Transitions are explicit
 * and timer-driven, so the set can keep a list of available replicas and
 * the hot path never reads the clock.
 */
export class Replica<O extends ReplicaOrigin = ReplicaOrigin> {
  readonly label: string;
  readonly address: OriginAddress;
  /** Where requests go. Replaced when DNS gives the host a new address; the old one finishes its requests. */
  origin: O;
  /** Requests picked for this replica and not released yet: the load power-of-two-choices compares. */
  inFlight = 0;
  private readonly wiring: ReplicaWiring<O>;
  private failures = 0;
  private ejected = false;
  private ejectTimer: NodeJS.Timeout | null = null;
  private healthy = true;
  private passes = 0;
  private fails = 0;

  constructor(address: OriginAddress, wiring: ReplicaWiring<O>) {
    this.label = address.label;
    this.address = address;
    this.wiring = wiring;
    this.origin = wiring.connect(address);
    wiring.up.set(1);
  }

  get available(): boolean {
    return !this.ejected && this.healthy;
  }

  /**
   * Ends one request begun by ReplicaSet.pick. `status`: the answer's status
   * (0 if none arrived); `reason`: null if the answer arrived in full, else
   * why not (`client_closed`, `listener_reloading` and NOT_JUDGED do not
   * count against the replica). Failures and, with `eject.on_5xx`, 5xx answers count
   * towards ejection; anything else resets the count.
   */
  release(status: number, reason: string | null): void {
    this.inFlight--;
    if (reason === null ? status < 500 || !this.wiring.eject.on_5xx : NEUTRAL.has(reason)) {
      if (reason === null) this.failures = 0;
      return;
    }
    const limit = this.wiring.eject.failures;
    if (limit > 0 && ++this.failures >= limit && !this.ejected) this.eject(status, reason);
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
    return { replica: this.label, available: this.available, ejected: this.ejected, healthy: this.healthy, in_flight: this.inFlight };
  }

  /** Stops the rejoin timer; the origin is closed by the caller. */
  stop(): void {
    if (this.ejectTimer !== null) clearTimeout(this.ejectTimer);
    this.ejectTimer = null;
  }

  private eject(status: number, reason: string | null): void {
    this.ejected = true;
    this.wiring.ejections.value++;
    const ms = this.wiring.eject.time;
    this.wiring.log.warn({ replica: this.label, failures: this.failures, status, reason, ejectMs: ms }, 'replica ejected');
    this.ejectTimer = setTimeout(() => this.rejoin(), ms);
    this.ejectTimer.unref();
    this.flipped();
  }

  private rejoin(): void {
    this.ejectTimer = null;
    this.ejected = false;
    // Half-open: the next failure ejects it again at once.
    this.failures = Math.max(0, this.wiring.eject.failures - 1);
    this.wiring.log.info({ replica: this.label }, 'replica back in rotation');
    this.flipped();
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
