/**
 * Inline commands (`GET key\r\n`, as typed into telnet) split the way
 * redis-server splits them (sds.c `sdssplitargs`): blanks separate arguments,
 * "double quotes" understand \n \r \t \b \a \xHH and \<any>, 'single quotes'
 * only \', and a closing quote must be followed by a blank or the line end.
 *
 * The result is re-encoded as a multibulk command, so everything after the
 * scanner (routing, forwarding, splitting) sees one request format and the
 * server never has to re-parse quotes. Inline commands are rare (humans,
 * health checks), so this path allocates one Buffer per command.
 */
import { isSpace } from '../ascii.ts';
import type { CommandArguments } from './command-arguments.ts';
import { encodeCommand } from './command-encoder.ts';
import { bulkHeaderLength } from './multibulk-header.ts';

const BACKSLASH = 0x5c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function unescaped(c: number): number {
  switch (c) {
    case 0x6e: return 0x0a; // \n
    case 0x72: return 0x0d; // \r
    case 0x74: return 0x09; // \t
    case 0x62: return 0x08; // \b
    case 0x61: return 0x07; // \a
    default: return c;
  }
}

export class InlineCommandParser implements CommandArguments {
  /** Argument count of the last parsed line. */
  argc = 0;
  /** Payload offsets of each argument inside the Buffer returned by parse(). */
  argStart = new Int32Array(8);
  argEnd = new Int32Array(8);
  /** Decoded argument bytes, back to back, reused across lines; what argStart/argEnd index until encode(). */
  buffer = Buffer.allocUnsafe(256);

  /**
   * Splits bytes [start, end) of `line` (without its line ending) into
   * arguments. Returns the multibulk encoding of the command (an empty Buffer
   * for a blank line), or null when quotes are unbalanced.
   */
  parse(line: Uint8Array, start: number, end: number): Buffer | null {
    if (this.buffer.length < end - start) this.buffer = Buffer.allocUnsafe(end - start);
    if (!this.split(line, start, end)) return null;
    return this.encode();
  }

  /** Decodes the arguments into `buffer`, back to back. */
  private split(line: Uint8Array, start: number, end: number): boolean {
    // Reading past `end` yields 0, like the C string's terminator that sdssplitargs stops at.
    const at = (i: number): number => (i < end ? line[i] : 0);
    const out = this.buffer;
    let written = 0;
    let p = start;
    this.argc = 0;
    for (;;) {
      while (p < end && isSpace(line[p])) p++;
      if (p >= end) return true;
      const tokenStart = written;
      /** DOUBLE_QUOTE or SINGLE_QUOTE while inside quotes, else 0. */
      let quote = 0;
      for (let done = false; !done; ) {
        const c = at(p);
        if (quote === 0) {
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) done = true;
          else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) quote = c;
          else out[written++] = c;
        } else if (c === quote) {
          // A closing quote must be followed by a blank or the line end.
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return false;
          done = true;
        } else if (c === 0) {
          return false; // the line ended inside quotes
        } else if (c !== BACKSLASH) {
          out[written++] = c;
        } else if (quote === DOUBLE_QUOTE && at(p + 1) === 0x78 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          out[written++] = hexValue(at(p + 2)) * 16 + hexValue(at(p + 3));
          p += 3;
        } else if (quote === DOUBLE_QUOTE ? at(p + 1) !== 0 : at(p + 1) === SINGLE_QUOTE) {
          // "…" unescapes any byte (\n \r \t \b \a mapped); '…' only \'.
          p++;
          out[written++] = unescaped(at(p));
        } else {
          out[written++] = c;
        }
        if (p < end) p++;
      }
      this.pushArgument(tokenStart, written);
    }
  }

  private pushArgument(start: number, end: number): void {
    if (this.argc === this.argStart.length) {
      const grown = new Int32Array(this.argc * 2);
      grown.set(this.argStart);
      this.argStart = grown;
      const grownEnd = new Int32Array(this.argc * 2);
      grownEnd.set(this.argEnd);
      this.argEnd = grownEnd;
    }
    this.argStart[this.argc] = start;
    this.argEnd[this.argc] = end;
    this.argc++;
  }

  /** Encodes the decoded arguments as multibulk and re-points argStart/argEnd into the result. */
  private encode(): Buffer {
    if (this.argc === 0) return Buffer.alloc(0);
    const command = encodeCommand(this);
    let pos = bulkHeaderLength(this.argc);
    for (let i = 0; i < this.argc; i++) {
      const length = this.argEnd[i] - this.argStart[i];
      pos += bulkHeaderLength(length);
      this.argStart[i] = pos;
      this.argEnd[i] = pos + length;
      pos += length + 2;
    }
    return command;
  }
}
