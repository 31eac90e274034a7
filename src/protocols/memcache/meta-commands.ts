/**
 * Validation of the meta commands (mg ms md ma me) in memcached 1.6.18's
 * order (proto_text.c process_m*_command and _meta_flag_preparse). Meta
 * errors are always returned, `q` or not. Return value as in
 * classic-commands.ts: bytes after the line that belong to the request.
 */
import { decodeBase64Key } from './base64-key.ts';
import { parseLong32, parseUnsigned } from './c-number.ts';
import { itemTooLarge, KEY_MAX_LENGTH, META_MAX_TOKENS, OPAQUE_MAX_LENGTH, VALUE_LENGTH_MAX } from './limits.ts';
import {
  BAD_COMMAND_LINE_FORMAT,
  ERROR,
  MA_INVALID_MODE,
  META_BAD_TOKEN,
  META_DECODING_KEY,
  META_DELTA_VALUE,
  META_DUPLICATE_FLAG,
  META_INITIAL_VALUE,
  META_INVALID_FLAG,
  META_INVALID_OR_DUPLICATE,
  META_M_TOKEN_LENGTH,
  META_OPAQUE_TOO_LONG,
  META_OPTIONS_TOO_LONG,
  MG_OPTIONS_TOO_LONG,
  MS_INVALID_MODE,
  OBJECT_TOO_LARGE,
} from './replies.ts';
import { Expect, RequestKind } from './request-kind.ts';
import type { ScannedRequest } from './scanned-request.ts';
import { tokenIs } from './tokenizer.ts';

/** What the flags said; one shared record, filled by preparse(). */
const flags = { mode: 0, clientFlags: 0, keyLength: 0, opaqueToken: -1 };

/** Which flag letters were seen: a stamp per call instead of clearing 128 bytes. */
const seen = new Uint32Array(128);
let stamp = 0;

/**
 * _meta_flag_preparse: a duplicate (or byte >= 127) or unknown flag stops at
 * once; a bad flag argument is remembered and the last message set wins;
 * a bad `F` sets no message of its own, leaving the command's default.
 * Returns the error reply, or null.
 */
function preparse(request: ScannedRequest, firstFlag: number): Buffer | null {
  const buf = request.buffer;
  stamp = (stamp + 1) >>> 0 || 1;
  flags.mode = 0;
  flags.clientFlags = 0;
  flags.keyLength = request.tokenEnd(1) - request.tokenStart(1);
  flags.opaqueToken = -1;
  let badClientFlags = false;
  let message: Buffer | null = null;
  for (let token = firstFlag; token < request.tokenCount; token++) {
    const start = request.tokenStart(token);
    const end = request.tokenEnd(token);
    const flag = buf[start];
    if (flag >= 127 || seen[flag] === stamp) return META_DUPLICATE_FLAG;
    seen[flag] = stamp;
    switch (flag) {
      case 0x62 /* b */:
        request.keyBase64 = true;
        flags.keyLength = decodeBase64Key(buf, request.tokenStart(1), request.tokenEnd(1));
        if (flags.keyLength === 0) message = META_DECODING_KEY;
        break;
      case 0x4e /* N */:
      case 0x54 /* T */:
      case 0x52 /* R */:
        if (Number.isNaN(parseLong32(buf, start + 1, end))) message = META_BAD_TOKEN;
        break;
      case 0x43 /* C */:
        if (Number.isNaN(parseUnsigned(buf, start + 1, end))) message = META_BAD_TOKEN;
        break;
      case 0x4a /* J */:
        if (Number.isNaN(parseUnsigned(buf, start + 1, end))) message = META_INITIAL_VALUE;
        break;
      case 0x44 /* D */:
        if (Number.isNaN(parseUnsigned(buf, start + 1, end))) message = META_DELTA_VALUE;
        break;
      case 0x46 /* F */: {
        const value = parseUnsigned(buf, start + 1, end);
        if (Number.isNaN(value)) badClientFlags = true;
        else flags.clientFlags = value;
        break;
      }
      case 0x4d /* M */:
        if (end - start !== 2) message = META_M_TOKEN_LENGTH;
        else flags.mode = buf[start + 1];
        break;
      case 0x71 /* q */:
        request.noreply = true;
        break;
      case 0x4f /* O */:
        flags.opaqueToken = token;
        request.opaqueStart = start + 1;
        request.opaqueEnd = end;
        break;
      case 0x6c /* l */:
      case 0x50 /* P */:
      case 0x4c /* L */:
      case 0x6b /* k */:
      case 0x73 /* s */:
      case 0x74 /* t */:
      case 0x63 /* c */:
      case 0x66 /* f */:
      case 0x76 /* v */:
      case 0x68 /* h */:
      case 0x75 /* u */:
      case 0x49 /* I */:
        break;
      default:
        return META_INVALID_FLAG;
    }
  }
  return message ?? (badClientFlags ? BAD_COMMAND_LINE_FORMAT : null);
}

function opaqueTooLong(request: ScannedRequest): boolean {
  const token = flags.opaqueToken;
  return token >= 0 && request.tokenEnd(token) - request.tokenStart(token) > OPAQUE_MAX_LENGTH;
}

function keyTooLong(request: ScannedRequest): boolean {
  return request.tokenEnd(1) - request.tokenStart(1) > KEY_MAX_LENGTH;
}

function accept(request: ScannedRequest, kind: RequestKind): void {
  request.kind = kind;
  request.expect = request.noreply ? Expect.quiet : Expect.one;
  request.keyCount = 1;
}

export function parseMetaGet(request: ScannedRequest, ntokens: number): number {
  if (ntokens < 3) request.reject(ERROR);
  else if (keyTooLong(request)) request.reject(BAD_COMMAND_LINE_FORMAT);
  else if (ntokens > META_MAX_TOKENS) request.reject(MG_OPTIONS_TOO_LONG);
  else {
    const error = preparse(request, 2);
    if (error !== null) request.reject(error);
    else if (opaqueTooLong(request)) request.reject(META_OPAQUE_TOO_LONG);
    else accept(request, RequestKind.mg);
  }
  return 0;
}

/**
 * ms <key> <datalen> <flags>*: errors found before the data length is
 * known leave the data block to be read as a command line; later ones
 * swallow it, as memcached does.
 */
export function parseMetaSet(request: ScannedRequest, ntokens: number, itemSizeMax: number): number {
  if (ntokens < 3) {
    request.reject(ERROR);
    return 0;
  }
  if (keyTooLong(request) || ntokens === 3) {
    request.reject(BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  if (ntokens > META_MAX_TOKENS) {
    request.reject(META_OPTIONS_TOO_LONG);
    return 0;
  }
  const length = parseLong32(request.buffer, request.tokenStart(2), request.tokenEnd(2));
  if (Number.isNaN(length) || length < 0 || length > VALUE_LENGTH_MAX) {
    request.reject(BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  const following = length + 2;
  const error = preparse(request, 3);
  if (error !== null) request.reject(error);
  else if (!isSetMode(flags.mode)) request.reject(MS_INVALID_MODE);
  else if (opaqueTooLong(request)) request.reject(META_OPAQUE_TOO_LONG);
  else if (itemTooLarge(flags.keyLength, flags.clientFlags, length, itemSizeMax)) request.reject(OBJECT_TOO_LARGE);
  else accept(request, RequestKind.ms);
  return following;
}

/** No mode, or E(add) A(append) P(prepend) R(replace) S(set). */
function isSetMode(mode: number): boolean {
  return mode === 0 || mode === 0x45 /* E */ || mode === 0x41 /* A */ || mode === 0x50 /* P */ || mode === 0x52 /* R */ || mode === 0x53 /* S */;
}

/** No mode, or I/+ (incr) D/- (decr). */
function isArithmeticMode(mode: number): boolean {
  return mode === 0 || mode === 0x49 /* I */ || mode === 0x2b /* + */ || mode === 0x44 /* D */ || mode === 0x2d /* - */;
}

/** md and ma share their checks; md and ma report any flag problem with one message. */
export function parseMetaDeleteOrArithmetic(request: ScannedRequest, kind: RequestKind, ntokens: number): number {
  if (ntokens < 3) request.reject(ERROR);
  else if (keyTooLong(request)) request.reject(BAD_COMMAND_LINE_FORMAT);
  else if (ntokens > META_MAX_TOKENS) request.reject(META_OPTIONS_TOO_LONG);
  else if (preparse(request, 2) !== null) request.reject(META_INVALID_OR_DUPLICATE);
  else if (kind === RequestKind.ma && !isArithmeticMode(flags.mode)) request.reject(MA_INVALID_MODE);
  else if (opaqueTooLong(request)) request.reject(META_OPAQUE_TOO_LONG);
  else accept(request, kind);
  return 0;
}

/** me <key> [b]: a debug dump; only a `b` right after the key is looked at. */
export function parseMetaDebug(request: ScannedRequest, ntokens: number): number {
  if (ntokens < 3 || keyTooLong(request)) {
    request.reject(BAD_COMMAND_LINE_FORMAT);
    return 0;
  }
  if (ntokens >= 4 && tokenIs(request.buffer, request.tokenStart(2), request.tokenEnd(2), 'b')) {
    request.keyBase64 = true;
    if (decodeBase64Key(request.buffer, request.tokenStart(1), request.tokenEnd(1)) === 0) {
      request.reject(BAD_COMMAND_LINE_FORMAT);
      return 0;
    }
  }
  request.kind = RequestKind.me;
  request.expect = Expect.one;
  request.keyCount = 1;
  return 0;
}
