/**
 * Reading inside one complete reply held contiguously in a buffer, for the
 * replies padda must merge rather than forward: summing the integer replies of
 * a split DEL/EXISTS/TOUCH/UNLINK, and re-assembling MGET's arrays in key order.
 */
import { parseInteger } from './integer.ts';
import { ReplyScanner } from './reply-scanner.ts';

const COLON = 0x3a;
const CR = 0x0d;

/** The value of an integer reply `:<n>\r\n` at buf[start, end), or NaN when it is not one (e.g. an error reply). */
export function readIntegerReply(buf: Uint8Array, start: number, end: number): number {
  if (buf[start] !== COLON) return NaN;
  const cr = buf.indexOf(CR, start + 1);
  return cr < 0 || cr >= end ? NaN : parseInteger(buf, start + 1, cr);
}

/**
 * Walks the elements of an array-like reply (`*`, `~`, `>`) at buf[start, end):
 *
 *   const elements = new ArrayReplyReader();
 *   if (elements.open(buf, start, end)) {
 *     while (elements.next()) use(buf, elements.elementStart, elements.elementEnd);
 *   }
 *
 * One reader can be reused for any number of replies.
 */
export class ArrayReplyReader {
  /** Element count of the opened reply; -1 for a null array. */
  count = -1;
  /** Byte range of the current element (a complete reply itself). */
  elementStart = 0;
  elementEnd = 0;

  private buf: Uint8Array = new Uint8Array(0);
  private end = 0;
  private left = 0;
  private readonly scanner = new ReplyScanner();

  /** False when buf[start, end) is not an array reply (an error, say) or is malformed. */
  open(buf: Uint8Array, start: number, end: number): boolean {
    const type = buf[start];
    if (type !== 0x2a && type !== 0x7e && type !== 0x3e) return false;
    const cr = buf.indexOf(CR, start + 1);
    if (cr < 0 || cr + 1 >= end) return false;
    const count = parseInteger(buf, start + 1, cr);
    if (!(count >= -1)) return false;
    this.buf = buf;
    this.end = end;
    this.count = count;
    this.left = Math.max(count, 0);
    this.elementEnd = cr + 2;
    return true;
  }

  /** Moves to the next element; false after the last one, or if the reply is cut short. */
  next(): boolean {
    if (this.left === 0) return false;
    this.scanner.reset();
    const start = this.elementEnd;
    const end = this.scanner.scan(this.buf, start, this.end);
    if (end < 0) {
      this.left = 0;
      return false;
    }
    this.left--;
    this.elementStart = start;
    this.elementEnd = end;
    return true;
  }
}
