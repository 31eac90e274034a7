import type { Origin } from './origin.ts';
import type { ProxiedRequest } from './request-head.ts';

/**
 * Chooses the origin for one attempt of one request. This is the seam where
 * modes differ: the sidecar always has its one app, a splitter picks by
 * cookie and weight, a shard router by a hash of the request's key.
 * `attempt` counts from 0; a retry asks again, so a picker can move on to
 * another origin. Null means no origin can take the request: it gets 503.
 */
export interface TargetPicker {
  pick(request: ProxiedRequest, attempt: number): Origin | null;
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
