/**
 * One complete command line → a classified request, following memcached's
 * process_command_ascii dispatch (first letter, then exact name), so that
 * unknown input gets `ERROR` — or, for an HTTP request line, a silent
 * close — exactly where memcached gives them.
 */
import { parseDelete, parseFlushAll, parseKeyWithNumber, parseRetrieval, parseStorage, parseVerbosity } from './classic-commands.ts';
import { MAX_TOKENS } from './limits.ts';
import { parseMetaDebug, parseMetaDeleteOrArithmetic, parseMetaGet, parseMetaSet } from './meta-commands.ts';
import { ERROR, INVALID_DELTA, INVALID_EXPTIME, NO_REPLY } from './replies.ts';
import { Expect, RequestKind } from './request-kind.ts';
import type { ScannedRequest } from './scanned-request.ts';
import { tokenize, tokenIs } from './tokenizer.ts';

/**
 * Parses buf[start, newline] (newline is the index of `\n`) into request
 * and returns how many bytes after the line belong to it: a data block
 * with its `\r\n`, or bytes memcached swallows after an error.
 */
export function parseCommandLine(request: ScannedRequest, buf: Buffer, start: number, newline: number, itemSizeMax: number): number {
  request.reset(buf, start, newline + 1);
  // memcached strips one `\r` before the `\n`, unless it is the only byte.
  const contentEnd = newline - start > 1 && buf[newline - 1] === 13 ? newline - 1 : newline;
  tokenize(request, buf, start, contentEnd);
  const ntokens = Math.min(request.tokenCount, MAX_TOKENS - 1) + 1;
  const nameStart = request.tokenStart(0);
  const nameEnd = request.tokenEnd(0);
  if (request.tokenCount === 0 || nameEnd - nameStart < 2) {
    request.reject(ERROR);
    return 0;
  }
  const first = buf[nameStart];

  if (first === 0x6d /* m */ && nameEnd - nameStart === 2) return parseMeta(request, buf[nameStart + 1], ntokens, itemSizeMax);
  switch (first) {
    case 0x67 /* g */:
      if (ntokens < 3) break;
      if (nameIs(request, 'get')) return parseRetrieval(request, RequestKind.get, false);
      if (nameIs(request, 'gets')) return parseRetrieval(request, RequestKind.gets, false);
      if (nameIs(request, 'gat')) return parseRetrieval(request, RequestKind.gat, true);
      if (nameIs(request, 'gats')) return parseRetrieval(request, RequestKind.gats, true);
      break;
    case 0x73 /* s */:
      if (nameIs(request, 'set')) return parseStorage(request, RequestKind.set, ntokens, false, itemSizeMax);
      if (nameIs(request, 'stats')) return classify(request, RequestKind.stats, Expect.untilEnd);
      if (nameIs(request, 'shutdown') || nameIs(request, 'slabs')) return classify(request, RequestKind.admin, Expect.one);
      break;
    case 0x61 /* a */:
      if (nameIs(request, 'add')) return parseStorage(request, RequestKind.add, ntokens, false, itemSizeMax);
      if (nameIs(request, 'append')) return parseStorage(request, RequestKind.append, ntokens, false, itemSizeMax);
      break;
    case 0x63 /* c */:
      if (nameIs(request, 'cas')) return parseStorage(request, RequestKind.cas, ntokens, true, itemSizeMax);
      if (nameIs(request, 'cache_memlimit') && (ntokens === 3 || ntokens === 4)) return classify(request, RequestKind.admin, Expect.one);
      break;
    case 0x69 /* i */:
      if (nameIs(request, 'incr')) return parseKeyWithNumber(request, RequestKind.incr, ntokens, false, INVALID_DELTA);
      break;
    case 0x64 /* d */:
      if (nameIs(request, 'delete')) return parseDelete(request, RequestKind.delete, ntokens);
      if (nameIs(request, 'decr')) return parseKeyWithNumber(request, RequestKind.decr, ntokens, false, INVALID_DELTA);
      break;
    case 0x74 /* t */:
      if (nameIs(request, 'touch')) return parseKeyWithNumber(request, RequestKind.touch, ntokens, true, INVALID_EXPTIME);
      break;
    default:
      return parseOther(request, ntokens, itemSizeMax);
  }
  request.reject(ERROR);
  return 0;
}

function parseMeta(request: ScannedRequest, letter: number, ntokens: number, itemSizeMax: number): number {
  switch (letter) {
    case 0x67 /* g */:
      return parseMetaGet(request, ntokens);
    case 0x73 /* s */:
      return parseMetaSet(request, ntokens, itemSizeMax);
    case 0x64 /* d */:
      return parseMetaDeleteOrArithmetic(request, RequestKind.md, ntokens);
    case 0x61 /* a */:
      return parseMetaDeleteOrArithmetic(request, RequestKind.ma, ntokens);
    case 0x65 /* e */:
      return parseMetaDebug(request, ntokens);
    case 0x6e /* n */:
      // mn takes no arguments and ignores any it is given.
      return classify(request, RequestKind.mn, Expect.one);
  }
  request.reject(ERROR);
  return 0;
}

/** Commands memcached checks by full name once the first-letter groups did not match. */
function parseOther(request: ScannedRequest, ntokens: number, itemSizeMax: number): number {
  if (nameIs(request, 'replace')) return parseStorage(request, RequestKind.replace, ntokens, false, itemSizeMax);
  if (nameIs(request, 'prepend')) return parseStorage(request, RequestKind.prepend, ntokens, false, itemSizeMax);
  // bget: an undocumented alias memcached still serves exactly like get.
  if (nameIs(request, 'bget')) return ntokens < 3 ? rejectWith(request, ERROR) : parseRetrieval(request, RequestKind.get, false);
  if (nameIs(request, 'flush_all')) return parseFlushAll(request, RequestKind.flushAll, ntokens);
  if (nameIs(request, 'version')) return classify(request, RequestKind.version, Expect.one);
  if (nameIs(request, 'quit')) return classify(request, RequestKind.quit, Expect.none);
  if (nameIs(request, 'verbosity')) return parseVerbosity(request, RequestKind.verbosity, ntokens);
  if (nameIs(request, 'lru_crawler') || nameIs(request, 'watch')) return classify(request, RequestKind.admin, Expect.one);
  if (nameIs(request, 'lru')) return ntokens < 3 ? rejectWith(request, ERROR) : classify(request, RequestKind.admin, Expect.one);
  // memcached closes on what looks like an HTTP request line instead of answering it.
  const last = Math.min(request.tokenCount, MAX_TOKENS - 1) - 1;
  const lastStart = request.tokenStart(last);
  if (request.tokenEnd(last) - lastStart >= 5 && tokenIs(request.buffer, lastStart, lastStart + 5, 'HTTP/')) {
    return rejectWith(request, NO_REPLY, true);
  }
  return rejectWith(request, ERROR);
}

/** Whether the command name (token 0) is exactly `name`. */
function nameIs(request: ScannedRequest, name: string): boolean {
  return tokenIs(request.buffer, request.tokenStart(0), request.tokenEnd(0), name);
}

function classify(request: ScannedRequest, kind: RequestKind, expect: Expect): number {
  request.kind = kind;
  request.expect = expect;
  return 0;
}

function rejectWith(request: ScannedRequest, reply: Buffer, close = false): number {
  request.reject(reply, close);
  return 0;
}
