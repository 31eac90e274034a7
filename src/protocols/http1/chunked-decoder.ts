/**
 * The chunked transfer coding (RFC 9112 §7.1) as a state machine over the
 * bytes of a body, in place: it finds the payload ranges and the end of the
 * last chunk and its trailer section, and refuses anything but the grammar —
 * a size that is not hex or passes 2^53, whitespace or a bare LF in framing,
 * data longer than its size said, an extension that is not `;name[=value]`.
 *
 *   decoder.reset();
 *   while (pos < end && !decoder.done) {
 *     pos = decoder.decode(buf, pos, end);
 *     if (decoder.error) …;                                // refuse, close
 *     if (decoder.dataEnd > decoder.dataStart) forward(buf.subarray(decoder.dataStart, decoder.dataEnd));
 *   }
 *   // done: buf[pos..] is the next message; decoder.trailers holds the trailer field lines, if any
 *
 * The payload is handed on without its framing (a proxy writes its own
 * chunks, so the next hop never sees extensions or oddities it might read
 * differently). Trailer fields are checked like header fields and kept, up to
 * the head size limit, as raw `name: value\r\n` lines.
 */
import { COLON, CR, DQUOTE, EQUALS, FIELD_VALUE, HEX, LF, QDTEXT, SEMICOLON, TOKEN } from './bytes.ts';
import { headError, type HeadError, type HeadErrorCode } from './head-error.ts';
import { MAX_CHUNK_LINE } from './limits.ts';

const SIZE_FIRST = 0;
const SIZE = 1;
const EXT_NAME_FIRST = 2;
const EXT_NAME = 3;
const EXT_VALUE_FIRST = 4;
const EXT_TOKEN = 5;
const EXT_QUOTED = 6;
const EXT_QUOTED_END = 7;
const SIZE_LF = 8;
const DATA = 9;
const DATA_CR = 10;
const DATA_LF = 11;
const TRAILER_FIRST = 12;
const TRAILER_NAME = 13;
const TRAILER_VALUE = 14;
const TRAILER_LF = 15;
const LAST_LF = 16;
const DONE = 17;

/** Chunk sizes above this are refused: past it, a double can no longer count bytes exactly. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export class ChunkedDecoder {
  /** The last decode() found payload at buf[dataStart, dataEnd) (empty when equal). */
  dataStart = 0;
  dataEnd = 0;
  /** The last chunk and the trailer section have been read. */
  done = false;
  error: HeadError | null = null;
  /** Raw trailer field lines once done (null when there were none). */
  trailers: Buffer | null = null;
  private readonly maxTrailers: number;
  private state = SIZE_FIRST;
  private size = 0;
  private lineBytes = 0;
  private trailerParts: Buffer[] = [];
  private trailerBytes = 0;

  constructor(maxTrailers: number) {
    this.maxTrailers = maxTrailers;
  }

  reset(): void {
    this.state = SIZE_FIRST;
    this.done = false;
    this.error = null;
    this.trailers = null;
    this.trailerParts = [];
    this.trailerBytes = 0;
    this.dataStart = this.dataEnd = 0;
  }

  /** Payload bytes still to come in the current chunk (0 between chunks). */
  get remaining(): number {
    return this.state === DATA ? this.size : 0;
  }

  /**
   * Decodes from buf[pos, end) until it has found a payload range, the end
   * of the body, an error, or the end of the input; returns where it stopped.
   */
  decode(buf: Buffer, pos: number, end: number): number {
    this.dataStart = this.dataEnd = pos;
    // Trailer lines are kept from here (or from the last chunk's line end) up to the blank line.
    let trailersFrom = this.state >= TRAILER_FIRST && this.state < LAST_LF ? pos : -1;
    while (pos < end) {
      const c = buf[pos]!;
      switch (this.state) {
        case DATA: {
          const n = Math.min(this.size, end - pos);
          this.dataStart = pos;
          this.dataEnd = pos + n;
          this.size -= n;
          if (this.size === 0) this.state = DATA_CR;
          return pos + n;
        }
        case SIZE_FIRST:
        case SIZE: {
          const digit = HEX[c]!;
          if (digit >= 0) {
            if (this.state === SIZE_FIRST) this.size = 0;
            if (this.size > (MAX_SIZE - digit) / 16) return this.fail('BAD_CHUNK');
            this.size = this.size * 16 + digit;
            this.state = SIZE;
          } else if (this.state === SIZE_FIRST) {
            return this.fail('BAD_CHUNK');
          } else if (c === SEMICOLON) {
            this.state = EXT_NAME_FIRST;
          } else if (c === CR) {
            this.state = SIZE_LF;
          } else {
            return this.fail('BAD_CHUNK');
          }
          break;
        }
        case EXT_NAME_FIRST:
        case EXT_NAME:
          if (TOKEN[c] === 1) this.state = EXT_NAME;
          else if (this.state === EXT_NAME_FIRST) return this.fail('BAD_CHUNK');
          else if (c === EQUALS) this.state = EXT_VALUE_FIRST;
          else if (!this.extensionEnd(c)) return this.fail('BAD_CHUNK');
          break;
        case EXT_VALUE_FIRST:
          if (c === DQUOTE) this.state = EXT_QUOTED;
          else if (TOKEN[c] === 1) this.state = EXT_TOKEN;
          else return this.fail('BAD_CHUNK');
          break;
        case EXT_TOKEN:
          if (TOKEN[c] !== 1 && !this.extensionEnd(c)) return this.fail('BAD_CHUNK');
          break;
        case EXT_QUOTED:
          if (c === DQUOTE) this.state = EXT_QUOTED_END;
          else if (QDTEXT[c] !== 1) return this.fail('BAD_CHUNK');
          break;
        case EXT_QUOTED_END:
          if (!this.extensionEnd(c)) return this.fail('BAD_CHUNK');
          break;
        case SIZE_LF:
          if (c !== LF) return this.fail('BAD_CHUNK');
          this.lineBytes = 0;
          this.state = this.size === 0 ? TRAILER_FIRST : DATA;
          if (this.size === 0) trailersFrom = pos + 1;
          pos++;
          continue;
        case DATA_CR:
          if (c !== CR) return this.fail('BAD_CHUNK');
          this.state = DATA_LF;
          break;
        case DATA_LF:
          if (c !== LF) return this.fail('BAD_CHUNK');
          this.state = SIZE_FIRST;
          this.lineBytes = 0;
          pos++;
          continue;
        case TRAILER_FIRST:
          if (c === CR) {
            this.state = LAST_LF;
            if (pos > trailersFrom && !this.keepTrailers(buf, trailersFrom, pos)) return -1;
            trailersFrom = -1;
          } else if (TOKEN[c] === 1) {
            this.state = TRAILER_NAME;
          } else {
            return this.fail('BAD_CHUNK');
          }
          break;
        case TRAILER_NAME:
          if (c === COLON) this.state = TRAILER_VALUE;
          else if (TOKEN[c] !== 1) return this.fail('BAD_CHUNK');
          break;
        case TRAILER_VALUE:
          if (c === CR) this.state = TRAILER_LF;
          else if (FIELD_VALUE[c] !== 1) return this.fail('BAD_CHUNK');
          break;
        case TRAILER_LF:
          if (c !== LF) return this.fail('BAD_CHUNK');
          this.state = TRAILER_FIRST;
          break;
        case LAST_LF:
          if (c !== LF) return this.fail('BAD_CHUNK');
          this.state = DONE;
          this.done = true;
          this.finishTrailers();
          return pos + 1;
        default:
          return pos;
      }
      pos++;
      if (this.state < DATA && ++this.lineBytes > MAX_CHUNK_LINE) return this.fail('BAD_CHUNK');
    }
    if (trailersFrom >= 0 && pos > trailersFrom && !this.keepTrailers(buf, trailersFrom, pos)) return -1;
    return pos;
  }

  /** After an extension's name or value: another extension, or the line's CR. */
  private extensionEnd(c: number): boolean {
    if (c === SEMICOLON) this.state = EXT_NAME_FIRST;
    else if (c === CR) this.state = SIZE_LF;
    else return false;
    return true;
  }

  /** Copies trailer bytes aside (the input chunk is forwarded and may be reused); false past the limit. */
  private keepTrailers(buf: Buffer, start: number, end: number): boolean {
    this.trailerBytes += end - start;
    if (this.trailerBytes > this.maxTrailers) {
      this.fail('TRAILERS_TOO_LARGE');
      return false;
    }
    this.trailerParts.push(Buffer.from(buf.subarray(start, end)));
    return true;
  }

  private finishTrailers(): void {
    if (this.trailerParts.length > 0) this.trailers = Buffer.concat(this.trailerParts, this.trailerBytes);
    this.trailerParts = [];
  }

  private fail(code: HeadErrorCode): number {
    this.error = headError(code);
    return -1;
  }
}
