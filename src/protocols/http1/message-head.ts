import { equalsIgnoringCase, latin1 } from './bytes.ts';
import { COOKIE, OTHER } from './field-names.ts';
import type { Method } from './methods.ts';

// How a message's body is delimited (RFC 9112 §6.3).
export const NO_BODY = 0;
export const LENGTH = 1;
export const CHUNKED = 2;
/** A response without Content-Length or chunked: its body ends when the upstream closes. */
export const UNTIL_CLOSE = 3;

// What `Expect` asked for.
export const EXPECT_NOTHING = 0;
export const EXPECT_CONTINUE = 1;
/** Anything but 100-continue, which a request is refused for (417). */
export const EXPECT_OTHER = 2;

/**
 * One scanned request or response head: where its bytes are, its start line
 * and fields as offsets into them, and the facts its framing rests on. The
 * bytes are never copied into strings unless something asks for a value;
 * the target and method of a request are, since every request needs them.
 *
 * Field i is `buffer[fields[4i], fields[4i+1])` (name) and
 * `buffer[fields[4i+2], fields[4i+3])` (value, without surrounding
 * whitespace); `names[i]` numbers the name (see field-names.ts).
 */
export class MessageHead {
  readonly buffer: Buffer;
  /** The head is buffer[start, end), the blank line included. */
  readonly start: number;
  readonly end: number;
  /** HTTP/1.minor. */
  readonly minor: number;
  readonly fieldCount: number;
  readonly fields: Int32Array;
  readonly names: Uint8Array;

  /** Request: the method, the target as sent and its form (request-target.ts). */
  method: Method | '' = '';
  target = '';
  targetStart = 0;
  targetEnd = 0;
  targetForm = 0;
  /** An absolute-form target's authority; its path (or query) follows. */
  authorityStart = 0;
  authorityEnd = 0;
  /** Response: the status code and the reason phrase's bytes. */
  status = 0;
  reasonStart = 0;
  reasonEnd = 0;

  /** The Content-Length, or -1 without one. */
  contentLength = -1;
  /** Transfer-Encoding ends in chunked. */
  chunked = false;
  /** Transfer-Encoding names codings before chunked (gzip, chunked): a response's are passed on as they are. */
  codings = false;
  /** The connection ends after this message (Connection: close, or HTTP/1.0 without keep-alive). */
  close = false;
  /** Connection: upgrade together with an Upgrade field. */
  upgrade = false;
  /** Connection names fields besides close, keep-alive and upgrade: they are hop-by-hop too (RFC 9110 §7.6.1). */
  connectionNamesFields = false;
  /** Host fields, and the index of the first (-1 without). */
  hostCount = 0;
  host = -1;
  expect = EXPECT_NOTHING;

  constructor(buffer: Buffer, start: number, end: number, minor: number, fieldCount: number, fields: Int32Array, names: Uint8Array) {
    this.buffer = buffer;
    this.start = start;
    this.end = end;
    this.minor = minor;
    this.fieldCount = fieldCount;
    this.fields = fields;
    this.names = names;
  }

  /** The value of field i, as a latin1 string (one char per byte). */
  value(i: number): string {
    return latin1(this.buffer, this.fields[4 * i + 2]!, this.fields[4 * i + 3]!);
  }

  /** The name of field i as sent. */
  name(i: number): string {
    return latin1(this.buffer, this.fields[4 * i]!, this.fields[4 * i + 1]!);
  }

  /** Index of the first field numbered `id`, or -1. */
  find(id: number): number {
    const names = this.names;
    for (let i = 0; i < this.fieldCount; i++) if (names[i] === id) return i;
    return -1;
  }

  /**
   * The value of the field `name` (lower case), repeated ones joined with
   * ", " (cookies with "; ", RFC 9113 §8.2.3), or undefined when absent.
   * `id` is its number when it has one (field-names.ts), else OTHER.
   */
  get(name: string, id = OTHER): string | undefined {
    let joined: string | undefined;
    const { names, fields, buffer } = this;
    for (let i = 0; i < this.fieldCount; i++) {
      if (names[i] !== id || (id === OTHER && !equalsIgnoringCase(buffer, fields[4 * i]!, fields[4 * i + 1]!, name))) continue;
      const value = this.value(i);
      joined = joined === undefined ? value : `${joined}${id === COOKIE ? '; ' : ', '}${value}`;
    }
    return joined;
  }
}
