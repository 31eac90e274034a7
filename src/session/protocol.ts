import type { UpstreamError } from '../upstream/errors.ts';
import type { ClientSession } from './client-session.ts';

/**
 * What a protocol plugs into the session core: twemproxy's nc_proto
 * callbacks (parse, fragment, merge, reply), in two parts. This one is the
 * listener's: it makes each client's part and answers for failed servers.
 */
export interface PoolProtocol {
  /** The protocol's state for one accepted client. */
  client(session: ClientSession): ClientProtocol;
  /** twemproxy's msg_get_error: the reply to a request padda fails because its server did. */
  failure(error: UpstreamError): Buffer;
  /** Whether a reply is an error, for the per-command error series. */
  isError(reply: Buffer): boolean;
}

/**
 * One client's part: it scans the bytes the session reads and dispatches
 * each request — answered by padda (session.answer), forwarded to a server
 * (a ForwardedRequest pushed on the session), split over servers (a FanOut).
 */
export interface ClientProtocol {
  /** Takes bytes the client sent, for next() to scan. */
  push(chunk: Buffer): void;
  /**
   * The bytes push() took are about to be overwritten (the session reads
   * into a buffer shared by every client): keep what next() has not
   * consumed. A protocol keeps nothing else of them past dispatch; a
   * server connection copies what it sends.
   */
  retain(): void;
  /**
   * Scans and dispatches one request; false when no complete one is left,
   * and when the input broke the protocol (after session.protocolError).
   */
  next(): boolean;
  /**
   * The first key of the request next() just dispatched, copied (the read
   * buffer is reused), or null when it names none: asked only while the
   * listener keeps a slow log.
   */
  firstKey(): Buffer | null;
  /** Everything one read held is dispatched (memcache closes its quiet run here). */
  readDone(): void;
  /** The client is gone: release what it holds (a Redis client's own server connection). */
  closed(): void;
}
