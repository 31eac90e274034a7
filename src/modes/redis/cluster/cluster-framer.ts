import type { Fifo } from '../../../net/fifo.ts';
import type { InFlight } from '../../../upstream/in-flight.ts';
import { RespFramer } from '../resp-framer.ts';
import { isResendable, type Resendable } from './cluster-request.ts';
import { readRedirect, type Redirect } from './redirect.ts';

const MINUS = 0x2d;
/** Redirects one command may follow before its last one is its answer (ioredis's maxRedirections). */
export const MAX_REDIRECTS = 16;

/** Whoever follows the redirects a cluster node answers. */
export interface RedirectFollower {
  follow(request: Resendable, redirect: Redirect, from: number, connection: number): void;
}

/**
 * Replies of one connection to a cluster node: a MOVED, ASK or TRYAGAIN
 * to a request padda can send again is taken out of the stream and
 * followed, never shown to the client; everything else is delivered.
 */
export class ClusterFramer extends RespFramer<InFlight> {
  readonly #follower: RedirectFollower;
  readonly #server: number;
  readonly #connection: number;

  constructor(follower: RedirectFollower, server: number, connection: number) {
    super();
    this.#follower = follower;
    this.#server = server;
    this.#connection = connection;
  }

  protected override deliver(reply: Buffer, queue: Fifo<InFlight>): boolean {
    if (reply[0] === MINUS) {
      const request = queue.peek();
      if (request !== undefined && isResendable(request) && request.redirects < MAX_REDIRECTS) {
        const redirect = readRedirect(reply);
        if (redirect !== null) {
          queue.shift();
          request.redirects++;
          this.#follower.follow(request, redirect, this.#server, this.#connection);
          return true;
        }
      }
    }
    return super.deliver(reply, queue);
  }
}
