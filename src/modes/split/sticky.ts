import { cookieValue } from '../../http/cookie.ts';
import type { HttpRequest } from '../../http/message.ts';
import { BUCKETS, keyBucket } from './buckets.ts';
import type { SplitConfig } from './schema.ts';

/** What stickiness reads of a request: its fields and its client (an HttpRequest, or a stand-in in tests). */
export type StickyRequest = Pick<HttpRequest, 'header' | 'client'>;

/** Where a request's bucket goes, and the cookie value it carried (null: none, or none padda could read). */
export interface Placement {
  bucket: number;
  cookie: string | null;
}

/**
 * How a request finds its bucket.
 * - cookie: the `padda-variant` cookie holds `<variant>.<bucket>`. The bucket
 *   decides; the name is for people and apps reading it, and padda rewrites
 *   it when it no longer matches (a weight change, a forged or unknown
 *   name). A request without a readable cookie gets a random bucket, and the
 *   answer sets the cookie, so any replica serves the user's next request
 *   the same way.
 * - header: murmur2 of a header the client sends (a user id); without it,
 *   the client IP.
 * - ip: murmur2 of the client IP, the book's ip_hash — weak behind NAT
 *   (a whole office is one user) and behind caches and load balancers
 *   (everyone is the balancer's IP): prefer cookie or header there.
 * - none: a random bucket per request.
 */
export class Sticky {
  readonly setsCookie: boolean;
  private readonly by: SplitConfig['sticky']['by'];
  private readonly name: string;
  private readonly cookieAttributes: string;

  constructor(config: SplitConfig['sticky']) {
    this.by = config.by;
    this.name = config.by === 'header' ? config.name.toLowerCase() : config.name;
    this.setsCookie = config.by === 'cookie';
    this.cookieAttributes = `; Path=/; Max-Age=${Math.floor(config.max_age / 1000)}; HttpOnly; SameSite=Lax`;
  }

  /** Sets `into.bucket`, and `into.cookie` to the cookie value when a readable one came. */
  place(request: StickyRequest, into: Placement): void {
    into.cookie = null;
    switch (this.by) {
      case 'cookie': {
        const cookie = cookieValue(request.header('cookie'), this.name);
        const bucket = cookie === null ? -1 : cookieBucket(cookie);
        if (bucket >= 0) into.cookie = cookie;
        into.bucket = bucket >= 0 ? bucket : randomBucket();
        return;
      }
      case 'header':
        into.bucket = keyBucket(request.header(this.name) ?? request.client.address);
        return;
      case 'ip':
        into.bucket = keyBucket(request.client.address);
        return;
      default:
        into.bucket = randomBucket();
    }
  }

  /** The Set-Cookie header for a cookie value `<variant>.<bucket>`. */
  cookie(value: string, secure: boolean): string {
    return `${this.name}=${value}${this.cookieAttributes}${secure ? '; Secure' : ''}`;
  }
}

/** The bucket in a `<variant>.<bucket>` cookie value (one to four ASCII digits after the last dot), or -1 when it holds none. */
function cookieBucket(value: string): number {
  const dot = value.lastIndexOf('.');
  if (dot < 1 || dot < value.length - 5 || dot === value.length - 1) return -1;
  let bucket = 0;
  for (let i = dot + 1; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    bucket = bucket * 10 + digit;
  }
  return bucket;
}

function randomBucket(): number {
  return (Math.random() * BUCKETS) | 0;
}
