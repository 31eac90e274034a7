/**
 * Replies padda writes itself (local PING, errors of its own, merged MGET and
 * DEL results). Each returns a ready-to-write Buffer; the fixed ones are shared
 * constants so the common answers cost no allocation.
 */
import { writeCountHeader, bulkHeaderLength, writeBulkHeader } from './multibulk-header.ts';

export const OK_REPLY = Buffer.from('+OK\r\n');
export const PONG_REPLY = Buffer.from('+PONG\r\n');
export const QUEUED_REPLY = Buffer.from('+QUEUED\r\n');
export const NULL_BULK_REPLY = Buffer.from('$-1\r\n');
export const NULL_ARRAY_REPLY = Buffer.from('*-1\r\n');
export const EMPTY_ARRAY_REPLY = Buffer.from('*0\r\n');

/** A line reply must not contain CR or LF; Redis maps them to spaces, and so do we. */
function lineReply(type: string, text: string): Buffer {
  return Buffer.from(`${type}${text.replace(/[\r\n]/g, ' ')}\r\n`);
}

/** `-<text>\r\n`. `text` starts with the error code, e.g. `ERR unknown command 'x'` or `CROSSSLOT Keys ...`. */
export function errorReply(text: string): Buffer {
  return lineReply('-', text);
}

/** `+<text>\r\n`. */
export function simpleStringReply(text: string): Buffer {
  return lineReply('+', text);
}

/** `:<n>\r\n`. */
export function integerReply(n: number | bigint): Buffer {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`integer reply needs an integer, got ${n}`);
  return Buffer.from(`:${n}\r\n`);
}

/** `$<len>\r\n<bytes>\r\n`, or the null bulk for null. Strings are sent as UTF-8. */
export function bulkReply(value: Uint8Array | string | null): Buffer {
  if (value === null) return NULL_BULK_REPLY;
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const reply = Buffer.allocUnsafe(bulkHeaderLength(bytes.length) + bytes.length + 2);
  let pos = writeBulkHeader(reply, 0, bytes.length);
  reply.set(bytes, pos);
  pos += bytes.length;
  reply[pos++] = 0x0d;
  reply[pos] = 0x0a;
  return reply;
}

/** `*<n>\r\n` alone, for arrays whose elements are written separately (e.g. corked after it). */
export function arrayHeader(count: number): Buffer {
  const header = Buffer.allocUnsafe(bulkHeaderLength(count));
  writeCountHeader(header, 0, count);
  return header;
}

/** An array of already-encoded replies (each a whole reply, e.g. slices of server replies), or the null array. */
export function arrayReply(elements: readonly Uint8Array[] | null): Buffer {
  if (elements === null) return NULL_ARRAY_REPLY;
  let size = bulkHeaderLength(elements.length);
  for (const element of elements) size += element.length;
  const reply = Buffer.allocUnsafe(size);
  let pos = writeCountHeader(reply, 0, elements.length);
  for (const element of elements) {
    reply.set(element, pos);
    pos += element.length;
  }
  return reply;
}
