/**
 * Validation of the classic text commands in memcached's own order
 * (proto_text.c process_*_command), so that bad input gets the reply a
 * single memcached would send. `ntokens` is memcached's token count: real
 * tokens capped at 23, plus the terminal one. Each function returns how
 * many bytes after the command line belong to the request (a data block
 * with its `\r\n`, or bytes memcached swallows after an error), else 0.
 */
import { parseLong32, parseUnsigned } from './c-number.ts';
import { itemTooLarge, KEY_MAX_LENGTH, VALUE_LENGTH_MAX } from './limits.ts';
import {
  BAD_COMMAND_LINE_FORMAT,
  DELETE_USAGE,
  ERROR,
  INVALID_EXPTIME,
  NO_REPLY,
  OBJECT_TOO_LARGE,
} from './replies.ts';
import { Expect, type RequestKind } from './request-kind.ts';
import type { ScannedRequest } from './scanned-request.ts';
import { tokenIs } from './tokenizer.ts';

/** out_string() stays silent when the command carried `noreply`, errors included. */
function rejectUnlessNoreply(request: ScannedRequest, reply: Buffer): void {
  request.reject(request.noreply ? NO_REPLY : reply);
}

/** set_noreply_maybe: only the last counted token is looked at. */
function detectNoreply(request: ScannedRequest, ntokens: number): void {
  const index = ntokens - 2;
  request.noreply = tokenIs(request.buffer, request.tokenStart(index), request.tokenEnd(index), 'noreply');
}

function keyTooLong(request: ScannedRequest, token: number): boolean {
  return request.tokenEnd(token) - request.tokenStart(token) > KEY_MAX_LENGTH;
}

function parseTokenLong(request: ScannedRequest, token: number): number {
  return parseLong32(request.buffer, request.tokenStart(token), request.tokenEnd(token));
}

function parseTokenUnsigned(request: ScannedRequest, token: number): number {
  return parseUnsigned(request.buffer, request.tokenStart(token), request.tokenEnd(token));
}

function accept(request: ScannedRequest, kind: RequestKind, expect: Expect): number {
  request.kind = kind;
  request.expect = request.noreply ? Expect.none : expect;
  return 0;
}

/** get, gets, gat, gats (and memcached's legacy `bget`): every remaining token is a key. */
export function parseRetrieval(request: ScannedRequest, kind: RequestKind, touches: boolean): number {
  if (touches && Number.isNaN(parseTokenLong(request, 1))) {
    request.reject(INVALID_EXPTIME);
    return 0;
  }
  const first = touches ? 2 : 1;
  // memcached answers nothing but this error even after earlier hits.
  for (let token = first; token < request.tokenCount; token++) {
    if (keyTooLong(request, token)) {
      request.reject(BAD_COMMAND_LINE_FORMAT);
      return 0;
    }
  }
  request.firstKeyToken = first;
  request.keyCount = request.tokenCount - first;
  return accept(request, kind, Expect.untilEnd);
}

/** set, add, replace, append, prepend (ntokens 6 or 7) and cas (7 or 8). */
export function parseStorage(request: ScannedRequest, kind: RequestKind, ntokens: number, withCas: boolean, itemSizeMax: number): number {
  const base = withCas ? 7 : 6;
  if (ntokens !== base && ntokens !== base + 1) {
    request.reject(ERROR);
    return 0;
  }
  detectNoreply(request, ntokens);
  if (keyTooLong(request, 1)) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  const flags = parseTokenUnsigned(request, 2);
  const exptime = parseTokenLong(request, 3);
  const length = parseTokenLong(request, 4);
  if (Number.isNaN(flags) || Number.isNaN(exptime) || Number.isNaN(length)) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  if (withCas && Number.isNaN(parseTokenUnsigned(request, 5))) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  // No data block is swallowed on the errors above: memcached reads it as
  // the next command line, and so does this scanner.
  if (length < 0 || length > VALUE_LENGTH_MAX) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  const keyLength = request.tokenEnd(1) - request.tokenStart(1);
  if (itemTooLarge(keyLength, flags, length, itemSizeMax)) {
    rejectUnlessNoreply(request, OBJECT_TOO_LARGE);
    return length + 2;
  }
  request.keyCount = 1;
  accept(request, kind, Expect.one);
  return length + 2;
}

/**
 * incr/decr <key> <delta> and touch <key> <exptime>, each [noreply]
 * (ntokens 4 or 5); a delta is unsigned, an exptime signed.
 */
export function parseKeyWithNumber(request: ScannedRequest, kind: RequestKind, ntokens: number, signed: boolean, invalidNumber: Buffer): number {
  if (ntokens !== 4 && ntokens !== 5) {
    request.reject(ERROR);
    return 0;
  }
  detectNoreply(request, ntokens);
  if (keyTooLong(request, 1)) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
  } else if (Number.isNaN(signed ? parseTokenLong(request, 2) : parseTokenUnsigned(request, 2))) {
    rejectUnlessNoreply(request, invalidNumber);
  } else {
    request.keyCount = 1;
    accept(request, kind, Expect.one);
  }
  return 0;
}

/** delete <key> [0] [noreply]: the legacy hold time must be 0. */
export function parseDelete(request: ScannedRequest, kind: RequestKind, ntokens: number): number {
  if (ntokens < 3 || ntokens > 5) {
    request.reject(ERROR);
    return 0;
  }
  if (ntokens > 3) {
    const holdIsZero = tokenIs(request.buffer, request.tokenStart(2), request.tokenEnd(2), '0');
    detectNoreply(request, ntokens);
    const valid = (ntokens === 4 && (holdIsZero || request.noreply)) || (ntokens === 5 && holdIsZero && request.noreply);
    if (!valid) {
      rejectUnlessNoreply(request, DELETE_USAGE);
      return 0;
    }
  }
  if (keyTooLong(request, 1)) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  request.keyCount = 1;
  return accept(request, kind, Expect.one);
}

/** verbosity <level> [noreply]. */
export function parseVerbosity(request: ScannedRequest, kind: RequestKind, ntokens: number): number {
  if (ntokens !== 3 && ntokens !== 4) {
    request.reject(ERROR);
    return 0;
  }
  detectNoreply(request, ntokens);
  if (Number.isNaN(parseTokenUnsigned(request, 1))) {
    rejectUnlessNoreply(request, BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  request.keyCount = 0;
  return accept(request, kind, Expect.one);
}

/** flush_all [delay] [noreply]. */
export function parseFlushAll(request: ScannedRequest, kind: RequestKind, ntokens: number): number {
  if (ntokens < 2 || ntokens > 4) {
    request.reject(ERROR);
    return 0;
  }
  detectNoreply(request, ntokens);
  if (ntokens !== (request.noreply ? 3 : 2) && Number.isNaN(parseTokenLong(request, 1))) {
    rejectUnlessNoreply(request, INVALID_EXPTIME);
    return 0;
  }
  return accept(request, kind, Expect.one);
}
