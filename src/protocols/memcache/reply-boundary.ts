/**
 * Where one request's reply ends, for matching replies to the FIFO of
 * requests in flight on a server connection.
 *
 * - Expect.none: the server sends nothing; never queue such a request.
 * - Expect.one: the next unit is the whole reply (a VA unit includes its data).
 * - Expect.untilEnd: VALUE (get family) or STAT/other lines (stats) until
 *   `END`; an error line instead ends it too — memcached drops the items it
 *   had and sends only `CLIENT_ERROR`/`SERVER_ERROR` when a multi-get fails.
 * - Expect.quiet — meta `q`: memcached 1.6.18 replies only on failure or,
 *   for mg, on a hit. It suppresses `EN` for mg, `HD` for ms, md and ma, and
 *   nothing else: `NS`, `EX` and `NF` (md and ma included) and every error
 *   still come back. Whether a unit will come cannot be known, so the proxy
 *   sends an `mn` right behind each quiet request it forwards (behind the
 *   last of a run going to the same server is enough) and queues them as one
 *   entry with this expectation: every unit up to the server's `MN` belongs
 *   to that quiet run, and the `MN` itself is the proxy's, not relayed.
 *   A client's own `mn` is not forwarded at all: the proxy answers `MN`
 *   itself once every earlier request has been answered, which reproduces
 *   a single memcached's order even when the quiet commands before it went
 *   to several servers.
 */
import { Expect } from './request-kind.ts';
import { ReplyKind } from './reply-kind.ts';

/** Whether `kind`, arriving for a request that expects `expect`, completes its reply. */
export function endsReply(expect: number, kind: ReplyKind): boolean {
  switch (expect) {
    case Expect.one:
      return true;
    case Expect.untilEnd:
      return kind !== ReplyKind.value && kind !== ReplyKind.stat && kind !== ReplyKind.line;
    case Expect.quiet:
      return kind === ReplyKind.mn;
    default:
      return false;
  }
}
