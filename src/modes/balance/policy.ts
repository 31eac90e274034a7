import type { HttpRequest } from '../../http/message.ts';
import type { Member } from './members.ts';

/**
 * How the balancer chooses among the live members for one attempt: a
 * member other than `avoid` (the one a retry's first attempt failed on)
 * when another is live, or null when none is live. The picker counts the
 * choice in flight.
 */
export interface Policy {
  choose(request: HttpRequest, avoid: Member | null): Member | null;
}
