import type { Failure } from '../errors.ts';
import type { HttpRequest } from '../message.ts';
import type { Origin } from '../upstream/origin.ts';

/**
 * Chooses the origin for one attempt of one request. This is the seam where
 * modes differ: the sidecar always has its one app, a splitter picks by
 * cookie and weight, a shard router by a hash of the request's key.
 * `attempt` counts from 0; a retry asks again, so a picker can move on to
 * another origin. Null means no origin can take the request: it gets 503.
 *
 * The optional hooks let a picker keep per-request accounting (in-flight
 * counts for least-loaded balancing and bounded loads, passive health,
 * per-variant metrics), see the bodies go by (a mirror copies the request
 * body, a comparison digests the answer) and add answer fields, without a
 * closure per request: a picker keeps what it decided in `request.route`.
 */
export interface TargetPicker {
  pick(request: HttpRequest, attempt: number): Origin | null;
  /**
   * The attempt `pick` sent to `origin` is over: exactly once for every pick
   * that returned an origin, before the next attempt's pick. `status` is the
   * answer's status (0 when no response head arrived); `failure` is null when
   * the answer arrived in full, otherwise why it did not (CLIENT_CLOSED when
   * the client left first); Replica.settle() judges it.
   */
  release?(request: HttpRequest, origin: Origin, status: number, failure: Failure | null): void;
  /** The upstream's answer head is about to go to the client: append [name, value] pairs to `fields` to add them. Not for upgrades. */
  respond?(request: HttpRequest, status: number, fields: string[]): void;
  /** A chunk of the upstream's answer body went to the client. */
  body?(request: HttpRequest, chunk: Buffer): void;
  /** A chunk of the request body went upstream (to the origin `pick` gave). */
  requestBody?(request: HttpRequest, chunk: Buffer): void;
  /** The whole request body went upstream. */
  requestEnd?(request: HttpRequest): void;
  /**
   * The exchange is over, once per request: `status` is what the client got
   * (padda's own error status included; 0 when the client left first),
   * `reason` null when answered in full, else the failure's `x-padda-error`
   * reason (`client_closed` when the client left first), `started` the
   * performance.now() it began at.
   */
  finish?(request: HttpRequest, status: number, reason: string | null, started: number): void;
}

/** The sidecar's picker: its one local app, unless ejected. */
export class SingleOrigin implements TargetPicker {
  readonly origin: Origin;

  constructor(origin: Origin) {
    this.origin = origin;
  }

  pick(): Origin | null {
    return this.origin.available ? this.origin : null;
  }
}
