import http from 'node:http';
import { writeLatin1 } from '../../protocols/http1/bytes.ts';
import { TRANSFER_ENCODING } from '../../protocols/http1/field-names.ts';
import { CHUNKED, UNTIL_CLOSE as READ_UNTIL_CLOSE, type MessageHead } from '../../protocols/http1/message-head.ts';
import { connectionNamed, isNamed, RESPONSE_HOP_BY_HOP } from '../hop-by-hop.ts';

// How the body of an answer travels to an HTTP/1 client.
/** As the upstream framed it: Content-Length (or no body), bytes passed as they are. */
export const AS_SENT = 0;
/** In chunks padda writes (the upstream's were decoded, or it had none and was read until close). */
export const RECHUNKED = 1;
/** Until padda closes the connection: an HTTP/1.0 client and a body of unknown length. */
export const UNTIL_CLOSE = 2;

/** How a body framed `framing` by the upstream reaches a client speaking HTTP/1.`minor`; -1 when it cannot (HTTP/1.0 and a transfer coding). */
export function http1Delivery(head: MessageHead, framing: number, minor: number): number {
  if (framing === CHUNKED) {
    if (minor === 1) return RECHUNKED;
    return head.codings ? -1 : UNTIL_CLOSE;
  }
  if (framing === READ_UNTIL_CLOSE) return minor === 1 ? RECHUNKED : UNTIL_CLOSE;
  return AS_SENT;
}

/**
 * An upstream's answer head as an HTTP/1.1 client gets it, in one Buffer:
 * the status line with the app's own reason phrase, every field the
 * upstream sent but the hop-by-hop ones (copied as runs of lines, not field
 * by field), `extra` fields, and padda's own framing and Connection fields.
 * A chunked answer whose upstream named other codings (gzip, chunked) keeps
 * its Transfer-Encoding list: dropping the gzip would hand the client bytes
 * it cannot read.
 */
export function http1ResponseHead(head: MessageHead, extra: readonly string[] | null, delivery: number, close: boolean, keepAliveField: boolean): Buffer {
  const { buffer, fields, names } = head;
  const named = connectionNamed(head);
  let extraLength = 0;
  if (extra !== null) for (const text of extra) extraLength += text.length + 4;
  const codings = delivery === RECHUNKED && head.codings ? head.get('transfer-encoding', TRANSFER_ENCODING) ?? 'chunked' : 'chunked';
  const out = Buffer.allocUnsafe(head.end - head.start + extraLength + codings.length + 96);
  let at = writeLatin1(out, 0, 'HTTP/1.1 ');
  // The three status digits follow `HTTP/1.x ` on the upstream's status line.
  at += buffer.copy(out, at, head.start + 9, head.start + 12);
  if (head.reasonEnd > head.reasonStart) {
    out[at++] = 0x20;
    at += buffer.copy(out, at, head.reasonStart, head.reasonEnd);
  } else {
    at = writeLatin1(out, at, ` ${http.STATUS_CODES[head.status] ?? ''}`);
  }
  at = writeLatin1(out, at, '\r\n');
  // Runs of kept field lines are copied whole, each with its CRLF; the fields end before the blank line.
  let run = -1;
  for (let i = 0; i < head.fieldCount; i++) {
    if (RESPONSE_HOP_BY_HOP[names[i]!] === 1 || (named !== null && isNamed(head, i, named))) {
      if (run >= 0) at += buffer.copy(out, at, run, fields[4 * i]!);
      run = -1;
    } else if (run < 0) {
      run = fields[4 * i]!;
    }
  }
  if (run >= 0) at += buffer.copy(out, at, run, head.end - 2);
  if (extra !== null) {
    for (let i = 0; i < extra.length; i += 2) at = writeLatin1(out, at, `${extra[i]}: ${extra[i + 1]}\r\n`);
  }
  if (delivery === RECHUNKED) at = writeLatin1(out, at, `transfer-encoding: ${codings}\r\n`);
  if (close) at = writeLatin1(out, at, 'connection: close\r\n');
  else if (keepAliveField) at = writeLatin1(out, at, 'connection: keep-alive\r\n');
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  return out.subarray(0, at);
}

/**
 * padda's own answer as HTTP/1.1 bytes: status, flat fields, Content-Length,
 * the Connection field, and the body (none for a HEAD request).
 */
export function http1Answer(status: number, fields: readonly string[], body: Buffer, head: boolean, close: boolean, keepAliveField: boolean): Buffer {
  let text = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i < fields.length; i += 2) text += `${fields[i]}: ${fields[i + 1]}\r\n`;
  text += `content-length: ${body.length}\r\n${close ? 'connection: close\r\n' : keepAliveField ? 'connection: keep-alive\r\n' : ''}\r\n`;
  const start = Buffer.from(text, 'latin1');
  return head || body.length === 0 ? start : Buffer.concat([start, body]);
}
