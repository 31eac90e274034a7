import type { ClientResponse, HttpRequest } from '../message.ts';

/** What a gate hands a request back to once it has decided (the HttpProxy). */
export interface GateOwner {
  /** Forwards a request the gate held while it decided. */
  forward(request: HttpRequest, response: ClientResponse): void;
  /** The gate answered a request itself with `status`; `reason` is its x-padda-error. */
  refused(status: number, reason: string): void;
  /** The client left while the gate held its request. */
  abandoned(): void;
}

/**
 * A check every request passes before it is forwarded (the rate limiter).
 * `admit` answers true to forward the request now, or false when the gate
 * took it over: it answers it itself (and tells `owner.refused`), or hands
 * it to `owner.forward` once an asynchronous decision is made. `respond`
 * adds the gate's fields to a forwarded answer's head.
 */
export interface RequestGate {
  admit(request: HttpRequest, response: ClientResponse, owner: GateOwner): boolean;
  respond(request: HttpRequest, fields: string[]): void;
}
