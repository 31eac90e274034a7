import { COMMA, HTAB, SP, TOKEN, equalsIgnoringCase } from './bytes.ts';
import { CONNECTION, CONTENT_LENGTH, EXPECT, HOST, TRANSFER_ENCODING, UPGRADE } from './field-names.ts';
import type { HeadErrorCode } from './head-error.ts';
import { validHost } from './request-target.ts';
import { CHUNKED, EXPECT_CONTINUE, EXPECT_NOTHING, EXPECT_OTHER, LENGTH, NO_BODY, UNTIL_CLOSE, type MessageHead } from './message-head.ts';

/**
 * Reads the fields a message's framing rests on — Content-Length,
 * Transfer-Encoding, Connection, Upgrade, Host, Expect — into the head's
 * facts, refusing what RFC 9112 §6 says makes the length unknowable, which is
 * how requests are smuggled past a proxy: Content-Length with
 * Transfer-Encoding, Content-Length twice or not a plain number, a final
 * coding other than chunked. Stricter than the RFC where it allows choice
 * (a repeated identical Content-Length, chunked in HTTP/1.0), never looser
 * than llhttp, node's parser.
 */
function readFraming(head: MessageHead): HeadErrorCode | null {
  const { buffer, fields, names } = head;
  let transferEncoding = false;
  let lastChunked = false;
  let connectionClose = false;
  let connectionKeepAlive = false;
  let connectionUpgrade = false;
  let upgradeField = false;
  for (let i = 0; i < head.fieldCount; i++) {
    const start = fields[4 * i + 2]!;
    const end = fields[4 * i + 3]!;
    switch (names[i]) {
      case CONTENT_LENGTH: {
        if (head.contentLength !== -1) return 'BAD_CONTENT_LENGTH';
        const length = plainNumber(buffer, start, end);
        if (length < 0) return 'BAD_CONTENT_LENGTH';
        head.contentLength = length;
        break;
      }
      case TRANSFER_ENCODING: {
        transferEncoding = true;
        // Codings in order across every Transfer-Encoding line: chunked once, and last.
        for (let at = start; ;) {
          const tokenEnd = tokenAt(buffer, at, end);
          if (tokenEnd === at) return 'BAD_TRANSFER_ENCODING';
          if (lastChunked) return 'BAD_TRANSFER_ENCODING';
          if (equalsIgnoringCase(buffer, at, tokenEnd, 'chunked')) lastChunked = true;
          else head.codings = true;
          at = skipSpace(buffer, tokenEnd, end);
          if (at === end) break;
          if (buffer[at] !== COMMA) return 'BAD_TRANSFER_ENCODING';
          at = skipSpace(buffer, at + 1, end);
        }
        break;
      }
      case CONNECTION:
        // A list of tokens; empty elements are allowed (RFC 9110 §5.6.1).
        for (let at = start; at < end;) {
          let elementEnd = buffer.indexOf(COMMA, at);
          if (elementEnd < 0 || elementEnd > end) elementEnd = end;
          const tokenStart = skipSpace(buffer, at, elementEnd);
          let tokenEnd = elementEnd;
          while (tokenEnd > tokenStart && (buffer[tokenEnd - 1] === SP || buffer[tokenEnd - 1] === HTAB)) tokenEnd--;
          if (equalsIgnoringCase(buffer, tokenStart, tokenEnd, 'close')) connectionClose = true;
          else if (equalsIgnoringCase(buffer, tokenStart, tokenEnd, 'keep-alive')) connectionKeepAlive = true;
          else if (equalsIgnoringCase(buffer, tokenStart, tokenEnd, 'upgrade')) connectionUpgrade = true;
          else if (tokenEnd > tokenStart) head.connectionNamesFields = true;
          at = elementEnd + 1;
        }
        break;
      case HOST:
        if (head.hostCount++ === 0) head.host = i;
        break;
      case UPGRADE:
        upgradeField = true;
        break;
      case EXPECT:
        head.expect = equalsIgnoringCase(buffer, start, end, '100-continue') ? EXPECT_CONTINUE : EXPECT_OTHER;
        break;
    }
  }
  if (transferEncoding) {
    if (head.contentLength !== -1) return 'LENGTH_AND_CHUNKED';
    if (!lastChunked) return 'BAD_TRANSFER_ENCODING';
    head.chunked = true;
  }
  head.close = head.minor === 1 ? connectionClose : !connectionKeepAlive;
  head.upgrade = upgradeField && connectionUpgrade;
  return null;
}

/** The framing of a request head, and the RFC 9112 §3.2 rules for its Host; null when it may be served. */
export function readRequestFraming(head: MessageHead): HeadErrorCode | null {
  const problem = readFraming(head);
  if (problem !== null) return problem;
  if (head.chunked) {
    // RFC 9112 §6.1: a server must not trust chunked in HTTP/1.0; refusing it is simplest.
    if (head.minor === 0) return 'CHUNKED_IN_HTTP_1_0';
    // RFC 9112 §6.1: a coding the server does not understand gets 501 (nginx's answer to gzip, chunked).
    if (head.codings) return 'UNSUPPORTED_CODING';
  }
  if (head.hostCount > 1) return 'DUPLICATE_HOST';
  if (head.hostCount === 0 && head.minor === 1) return 'MISSING_HOST';
  if (head.host >= 0 && !validHost(head.buffer, head.fields[4 * head.host + 2]!, head.fields[4 * head.host + 3]!)) return 'BAD_HOST';
  // RFC 9110 §10.1.1: HTTP/1.0 requests' 100-continue is ignored; anything else may get 417.
  if (head.expect === EXPECT_OTHER) return 'BAD_EXPECT';
  if (head.minor === 0) head.expect = EXPECT_NOTHING;
  return null;
}

/** The framing of a response head; null when it can be forwarded. */
export function readResponseFraming(head: MessageHead): HeadErrorCode | null {
  const problem = readFraming(head);
  head.expect = EXPECT_NOTHING;
  return problem;
}

/** How a request's body is delimited. */
export function requestBody(head: MessageHead): number {
  if (head.chunked) return CHUNKED;
  return head.contentLength > 0 ? LENGTH : NO_BODY;
}

/** How a response to a `method` request is delimited (RFC 9112 §6.3, in order). */
export function responseBody(head: MessageHead, method: string): number {
  const status = head.status;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return NO_BODY;
  if (head.chunked) return CHUNKED;
  if (head.contentLength >= 0) return head.contentLength > 0 ? LENGTH : NO_BODY;
  return UNTIL_CLOSE;
}

/** 1*DIGIT as a number up to 2^53 - 1, else -1. */
function plainNumber(buf: Uint8Array, start: number, end: number): number {
  if (start === end || end - start > 16) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = buf[i]! - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}

function tokenAt(buf: Uint8Array, at: number, end: number): number {
  while (at < end && TOKEN[buf[at]!] === 1) at++;
  return at;
}

function skipSpace(buf: Uint8Array, at: number, end: number): number {
  while (at < end && (buf[at] === SP || buf[at] === HTAB)) at++;
  return at;
}
