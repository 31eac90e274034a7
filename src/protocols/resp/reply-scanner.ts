/**
 * Incremental scanner of server replies: finds where each complete top-level
 * reply ends, across chunk boundaries, without copying or buffering anything.
 * A proxy forwards the bytes between two boundaries as one reply and matches
 * replies to requests in FIFO order.
 *
 * Usage (one scanner per server connection):
 *
 *   let from = 0;
 *   for (let end; (end = scanner.scan(chunk, from)) >= 0; from = end) {
 *     // chunk[from, end), after any bytes held from earlier chunks, is one
 *     // whole reply of type scanner.type ('+', '-', ':', '$', '*', '>' ...)
 *   }
 *   if (scanner.error) { reset the connection }
 *   // else chunk[from, chunk.length) begins a reply that later chunks finish
 *
 * Understands RESP2 and RESP3: simple string, error, integer, bulk (and its
 * null), array (nested, and null), null, double, boolean, big number, blob
 * error, verbatim string, map, set, attribute and push. An attribute is kept
 * together with the reply it annotates. Streamed (`?`) lengths are not
 * supported: Redis never sends them.
 */
import { ProtocolError } from './protocol-error.ts';

const CR = 0x0d;
const LF = 0x0a;
const MINUS = 0x2d;

// Where the scanner stands.
const TYPE = 0;
const LINE = 1;
const LENGTH = 2;
const LENGTH_LF = 3;
const PAYLOAD = 4;

/** Lengths beyond this many digits are not something a Redis server sends. */
const MAX_LENGTH_DIGITS = 15;

export class ReplyScanner {
  /** Type byte of the top-level reply last completed. */
  type = 0;
  /** Set when the server broke the protocol; the scanner then stays stopped. */
  error: ProtocolError | null = null;

  private state = TYPE;
  /** Type byte of the header whose length is being read. */
  private header = 0;
  private length = 0;
  private negative = false;
  private digits = 0;
  /** Bytes left of a bulk payload and its CRLF. */
  private payloadLeft = 0;
  /** Elements still expected by each open aggregate, innermost last. */
  private remaining = new Float64Array(8);
  private depth = 0;
  private topType = 0;

  /** True while a reply has begun but not ended. */
  get inReply(): boolean {
    return this.state !== TYPE || this.depth > 0;
  }

  /** Forgets any partial reply (after the connection was reset). */
  reset(): void {
    this.state = TYPE;
    this.depth = 0;
    this.error = null;
  }

  /**
   * Scans chunk[from, to). Returns the offset just past the next complete
   * top-level reply, or -1 when `to` is reached first (the partial reply is
   * remembered; continue with the next chunk from 0) or on a protocol error.
   */
  scan(chunk: Uint8Array, from: number, to: number = chunk.length): number {
    if (this.error !== null) return -1;
    let pos = from;
    while (pos < to) {
      switch (this.state) {
        case TYPE: {
          const type = chunk[pos++];
          if (this.depth === 0) this.topType = type;
          switch (type) {
            case 0x2b: // + simple string
            case 0x2d: // - error
            case 0x3a: // : integer
            case 0x5f: // _ null
            case 0x2c: // , double
            case 0x23: // # boolean
            case 0x28: // ( big number
              this.state = LINE;
              break;
            case 0x24: // $ bulk string
            case 0x21: // ! blob error
            case 0x3d: // = verbatim string
            case 0x2a: // * array
            case 0x25: // % map
            case 0x7e: // ~ set
            case 0x3e: // > push
            case 0x7c: // | attribute
              this.header = type;
              this.length = 0;
              this.negative = false;
              this.digits = 0;
              this.state = LENGTH;
              break;
            default:
              return this.fail(`unexpected reply type byte 0x${type.toString(16)}`);
          }
          break;
        }
        case LINE: {
          const lf = indexOfLf(chunk, pos, to);
          if (lf < 0) return -1;
          pos = lf + 1;
          this.state = TYPE;
          if (this.elementDone()) return this.replyDone(pos);
          break;
        }
        case LENGTH: {
          const c = chunk[pos++];
          if (c >= 0x30 && c <= 0x39 && this.digits < MAX_LENGTH_DIGITS) {
            this.length = this.length * 10 + (c - 0x30);
            this.digits++;
          } else if (c === MINUS && this.digits === 0 && !this.negative) {
            this.negative = true;
          } else if (c === CR && this.digits > 0) {
            this.state = LENGTH_LF;
          } else {
            return this.fail('invalid length in reply header');
          }
          break;
        }
        case LENGTH_LF: {
          if (chunk[pos++] !== LF) return this.fail('missing LF after reply header');
          this.state = TYPE;
          if (this.headerDone()) {
            if (this.error !== null) return -1;
            if (this.elementDone()) return this.replyDone(pos);
          }
          break;
        }
        default: { // PAYLOAD
          const take = Math.min(this.payloadLeft, to - pos);
          pos += take;
          this.payloadLeft -= take;
          if (this.payloadLeft === 0) {
            this.state = TYPE;
            if (this.elementDone()) return this.replyDone(pos);
          }
        }
      }
    }
    return -1;
  }

  /** Acts on a complete length header; returns true when it completed an element (null or empty). */
  private headerDone(): boolean {
    const { header, length } = this;
    if (this.negative) {
      // Only `$-1` and `*-1` (RESP2 nulls) are negative lengths Redis sends.
      if (length === 1 && (header === 0x24 || header === 0x2a)) return true;
      this.fail('negative length in reply header');
      return false;
    }
    if (header === 0x24 || header === 0x21 || header === 0x3d) {
      this.payloadLeft = length + 2;
      this.state = PAYLOAD;
      return false;
    }
    // Maps and attributes hold key/value pairs; an attribute also holds the reply it annotates.
    const elements = header === 0x25 ? length * 2 : header === 0x7c ? length * 2 + 1 : length;
    if (elements === 0) return true;
    if (this.depth === this.remaining.length) {
      const grown = new Float64Array(this.depth * 2);
      grown.set(this.remaining);
      this.remaining = grown;
    }
    this.remaining[this.depth++] = elements;
    return false;
  }

  /** Counts one finished element against the open aggregates; true when the top-level reply is complete. */
  private elementDone(): boolean {
    while (this.depth > 0) {
      if (--this.remaining[this.depth - 1] > 0) return false;
      this.depth--;
    }
    return true;
  }

  private replyDone(pos: number): number {
    this.type = this.topType;
    return pos;
  }

  private fail(message: string): number {
    this.error = new ProtocolError('INVALID_REPLY', message, null);
    return -1;
  }
}

/** Most lines (+OK, :1, -ERR …) end within a few bytes, where a plain loop beats the native search's call cost. */
const SHORT_LINE = 32;

function indexOfLf(chunk: Uint8Array, from: number, to: number): number {
  const near = Math.min(to, from + SHORT_LINE);
  for (let i = from; i < near; i++) if (chunk[i] === LF) return i;
  if (near === to) return -1;
  const at = chunk.indexOf(LF, near);
  return at < 0 || at >= to ? -1 : at;
}
