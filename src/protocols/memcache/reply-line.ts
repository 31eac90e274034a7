/**
 * Classifies one server reply line (memcached protocol.txt, text and meta)
 * and returns the length of the data block that follows it (with `\r\n`),
 * or 0. Servers write these lines, so the checks are about staying in sync
 * — a VALUE or VA length is all the framing there is — not about
 * mirroring memcached's leniency as the request side does.
 */
import { ReplyKind } from './reply-kind.ts';
import type { ScannedReply } from './scanned-reply.ts';

export function parseReplyLine(reply: ScannedReply, buf: Buffer, start: number, newline: number, maxValueBytes: number): number {
  reply.reset(buf, start, newline + 1);
  const end = newline > start && buf[newline - 1] === 13 ? newline - 1 : newline;
  switch (buf[start]) {
    case 0x56 /* V */:
      if (hasWord(buf, start, end, 'VALUE')) return parseValue(reply, buf, start + 6, end, maxValueBytes);
      if (hasWord(buf, start, end, 'VA')) return parseMetaValue(reply, buf, start + 3, end, maxValueBytes);
      if (hasWord(buf, start, end, 'VERSION')) return is(reply, ReplyKind.version);
      break;
    case 0x45 /* E */:
      if (isExactly(buf, start, end, 'END')) return is(reply, ReplyKind.end);
      if (hasWord(buf, start, end, 'ERROR')) return is(reply, ReplyKind.error);
      if (isExactly(buf, start, end, 'EXISTS')) return is(reply, ReplyKind.exists);
      if (hasWord(buf, start, end, 'EN')) return metaStatus(reply, ReplyKind.en, buf, start + 2, end);
      if (hasWord(buf, start, end, 'EX')) return metaStatus(reply, ReplyKind.ex, buf, start + 2, end);
      break;
    case 0x53 /* S */:
      if (isExactly(buf, start, end, 'STORED')) return is(reply, ReplyKind.stored);
      if (hasWord(buf, start, end, 'STAT')) return is(reply, ReplyKind.stat);
      if (hasWord(buf, start, end, 'SERVER_ERROR')) return is(reply, ReplyKind.serverError);
      break;
    case 0x4e /* N */:
      if (isExactly(buf, start, end, 'NOT_FOUND')) return is(reply, ReplyKind.notFound);
      if (isExactly(buf, start, end, 'NOT_STORED')) return is(reply, ReplyKind.notStored);
      if (hasWord(buf, start, end, 'NF')) return metaStatus(reply, ReplyKind.nf, buf, start + 2, end);
      if (hasWord(buf, start, end, 'NS')) return metaStatus(reply, ReplyKind.ns, buf, start + 2, end);
      break;
    case 0x48 /* H */:
      if (hasWord(buf, start, end, 'HD')) return metaStatus(reply, ReplyKind.hd, buf, start + 2, end);
      break;
    case 0x4d /* M */:
      if (hasWord(buf, start, end, 'MN')) return metaStatus(reply, ReplyKind.mn, buf, start + 2, end);
      if (hasWord(buf, start, end, 'ME')) return parseMetaDebug(reply, buf, start + 3, end);
      break;
    case 0x44 /* D */:
      if (isExactly(buf, start, end, 'DELETED')) return is(reply, ReplyKind.deleted);
      break;
    case 0x54 /* T */:
      if (isExactly(buf, start, end, 'TOUCHED')) return is(reply, ReplyKind.touched);
      break;
    case 0x4f /* O */:
      if (isExactly(buf, start, end, 'OK')) return is(reply, ReplyKind.ok);
      break;
    case 0x52 /* R */:
      if (isExactly(buf, start, end, 'RESET')) return is(reply, ReplyKind.reset);
      break;
    case 0x43 /* C */:
      if (hasWord(buf, start, end, 'CLIENT_ERROR')) return is(reply, ReplyKind.clientError);
      break;
  }
  return is(reply, isDigits(buf, start, end) ? ReplyKind.number : ReplyKind.line);
}

function is(reply: ScannedReply, kind: ReplyKind): number {
  reply.kind = kind;
  return 0;
}

/** `VALUE <key> <flags> <bytes> [<cas>]`, from just after `VALUE `. */
function parseValue(reply: ScannedReply, buf: Buffer, at: number, end: number, maxValueBytes: number): number {
  const keyEnd = spaceOrEnd(buf, at, end);
  if (keyEnd === at || keyEnd >= end) return 0;
  const flagsEnd = digitsEnd(buf, keyEnd + 1, end);
  if (flagsEnd === keyEnd + 1 || buf[flagsEnd] !== 32) return 0;
  const bytesEnd = digitsEnd(buf, flagsEnd + 1, end);
  const bytes = decimal(buf, flagsEnd + 1, bytesEnd);
  if (bytes < 0 || bytes > maxValueBytes) return 0;
  if (bytesEnd !== end) {
    // Only an optional CAS may follow (gets, gats).
    const casEnd = digitsEnd(buf, bytesEnd + 1, end);
    if (buf[bytesEnd] !== 32 || casEnd === bytesEnd + 1 || casEnd !== end) return 0;
  }
  reply.kind = ReplyKind.value;
  reply.keyStart = at;
  reply.keyEnd = keyEnd;
  return bytes + 2;
}

/** `VA <size> <flags>*`, from just after `VA `. */
function parseMetaValue(reply: ScannedReply, buf: Buffer, at: number, end: number, maxValueBytes: number): number {
  const sizeEnd = digitsEnd(buf, at, end);
  const size = decimal(buf, at, sizeEnd);
  if (size < 0 || size > maxValueBytes || (sizeEnd !== end && buf[sizeEnd] !== 32)) return 0;
  metaStatus(reply, ReplyKind.va, buf, sizeEnd, end);
  return size + 2;
}

/** `ME <key> <k>=<v>*`, from just after `ME `. */
function parseMetaDebug(reply: ScannedReply, buf: Buffer, at: number, end: number): number {
  if (at >= end) return 0;
  reply.kind = ReplyKind.me;
  reply.keyStart = at;
  reply.keyEnd = spaceOrEnd(buf, at, end);
  return 0;
}

/** A two-letter meta code and its return flags, from just after the code: picks out `O`, `k` and `b`. */
function metaStatus(reply: ScannedReply, kind: ReplyKind, buf: Buffer, at: number, end: number): number {
  reply.kind = kind;
  for (let i = at; i < end; ) {
    if (buf[i] === 32) {
      i++;
      continue;
    }
    const tokenEnd = spaceOrEnd(buf, i, end);
    const flag = buf[i];
    if (flag === 0x4f /* O */) {
      reply.opaqueStart = i + 1;
      reply.opaqueEnd = tokenEnd;
    } else if (flag === 0x6b /* k */) {
      reply.keyStart = i + 1;
      reply.keyEnd = tokenEnd;
    } else if (flag === 0x62 /* b */ && tokenEnd === i + 1) {
      reply.keyBase64 = true;
    }
    i = tokenEnd;
  }
  return 0;
}

/** The line is `word` alone or `word` followed by a space. */
function hasWord(buf: Buffer, start: number, end: number, word: string): boolean {
  const wordEnd = start + word.length;
  if (wordEnd > end || (wordEnd < end && buf[wordEnd] !== 32)) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

function isExactly(buf: Buffer, start: number, end: number, word: string): boolean {
  return end - start === word.length && hasWord(buf, start, end, word);
}

/**
 * The first space in buf[from, end), or end. Never looks past the line: a
 * native indexOf would, for a line's last token, run on through the data
 * block after it (a whole VA value) to the next space.
 */
function spaceOrEnd(buf: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && buf[i] !== 32) i++;
  return i;
}

function isDigits(buf: Buffer, start: number, end: number): boolean {
  return end > start && digitsEnd(buf, start, end) === end;
}

function digitsEnd(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
  return i;
}

/** The value of 1 to 10 decimal digits, or -1. */
function decimal(buf: Buffer, start: number, end: number): number {
  if (end === start || end - start > 10) return -1;
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + buf[i] - 48;
  return value;
}
