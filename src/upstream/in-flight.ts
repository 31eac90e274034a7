import type { UpstreamError } from './errors.ts';
import type { Fifo } from '../net/fifo.ts';

/** A request a server connection owes an answer to. */
export interface InFlight {
  /** performance.now() when it was queued on the connection; set by the connection. */
  sentAt: number;
  /** The reply's bytes; the connection never reuses the buffer, so it may be kept. */
  reply(bytes: Buffer): void;
  /** The server cannot answer it: timeout, reset, refused, protocol error. */
  fail(error: UpstreamError): void;
  /**
   * Nobody will read the reply (its client is gone): a framer may skip the
   * reply's bytes instead of assembling them, so a vanished client's large
   * replies cost no memory.
   */
  readonly abandoned?: boolean;
}

/**
 * Finds complete replies in a server's byte stream and hands each to the
 * request at the head of the queue. Protocol-specific: RESP is one reply per
 * request; memcache replies span several units and quiet requests may have
 * none.
 */
export interface ReplyFramer<T extends InFlight> {
  /** Consumes a chunk; returns a message if the server broke the protocol (the connection is then reset). */
  feed(chunk: Buffer, queue: Fifo<T>): string | null;
  /** Forgets any partial reply: the connection was closed. */
  reset(): void;
}
