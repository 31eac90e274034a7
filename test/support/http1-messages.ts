/**
 * Reads whole HTTP/1.1 messages (heads and bodies) from chunks with padda's
 * scanner, framing and chunked decoder, as the engine uses them, into plain
 * records two parsers can be compared by; and the same from llhttp, node's
 * parser, in strict mode. For the scanner's unit tests and the differential
 * fuzz test.
 */
import { createRequire } from 'node:module';
import { ChunkedDecoder } from '../../src/protocols/http1/chunked-decoder.ts';
import { requestBody, responseBody } from '../../src/protocols/http1/framing.ts';
import { FAILED, HeadScanner, NEED_MORE, REQUEST } from '../../src/protocols/http1/head-scanner.ts';
import type { HeadLimits } from '../../src/protocols/http1/limits.ts';
import { CHUNKED, LENGTH, NO_BODY, UNTIL_CLOSE, type MessageHead } from '../../src/protocols/http1/message-head.ts';

export interface ReadMessage {
  method: string;
  target: string;
  status: number;
  minor: number;
  /** Flat [name, value, …] as sent (values without surrounding whitespace). */
  headers: string[];
  body: string;
  /** Trailer fields of a chunked body, flat [name, value, …]. */
  trailers: string[];
  /** The rest of the connection belongs to another protocol. */
  upgrade: boolean;
}

export interface ReadResult {
  messages: ReadMessage[];
  /** Why reading stopped on bad input (an error code), or null. */
  error: string | null;
}

function record(head: MessageHead): ReadMessage {
  const headers: string[] = [];
  for (let i = 0; i < head.fieldCount; i++) headers.push(head.name(i), head.value(i));
  return { method: head.method, target: head.target, status: head.status, minor: head.minor, headers, body: '', trailers: [], upgrade: false };
}

/**
 * Every message in `chunks` as padda reads it. `eof`: the peer closed after
 * the last chunk (which ends a response read until close, and makes an
 * unfinished message an error). Responses are read as answers to GET.
 */
export function paddaRead(kind: number, chunks: readonly Buffer[], eof = true, limits?: HeadLimits): ReadResult {
  const scanner = new HeadScanner(kind, limits);
  const decoder = new ChunkedDecoder(limits?.maxHeadSize ?? 16 * 1024);
  const messages: ReadMessage[] = [];
  let current: ReadMessage | null = null;
  let framing = NO_BODY;
  let closes = false;
  let left = 0;
  const body: Buffer[] = [];
  const finish = () => {
    current!.body = Buffer.concat(body).toString('latin1');
    body.length = 0;
    messages.push(current!);
    current = null;
  };
  for (const chunk of chunks) {
    let pos = 0;
    while (pos < chunk.length) {
      if (current === null) {
        const at = scanner.scan(chunk, pos);
        if (at === FAILED) return { messages, error: scanner.error!.code };
        if (at === NEED_MORE) break;
        pos = at;
        const head = scanner.head!;
        current = record(head);
        framing = kind === REQUEST ? requestBody(head) : responseBody(head, 'GET');
        if (framing === LENGTH) left = head.contentLength;
        if (framing === CHUNKED) decoder.reset();
        // CONNECT is refused and its connection closed (llhttp hands the rest to a tunnel); a 101 switches protocols.
        const upgrade = kind === REQUEST ? head.upgrade || head.method === 'CONNECT' : head.status === 101 && head.upgrade;
        if (upgrade && head.method === 'CONNECT') framing = NO_BODY;
        // An upgrade with a body is forwarded as a plain request, and the connection closed after it.
        current.upgrade = upgrade;
        closes = head.close || upgrade;
        if (framing === NO_BODY || (kind !== REQUEST && head.status === 101)) {
          finish();
          // After a 101 the upstream speaks another protocol, whatever its fields say.
          if (upgrade || head.status === 101) {
            messages.at(-1)!.upgrade = upgrade;
            return { messages, error: null };
          }
          // The engine reads nothing after a message that closes its connection.
          if (closes) return { messages, error: null };
        }
        continue;
      }
      if (framing === LENGTH) {
        const n = Math.min(left, chunk.length - pos);
        body.push(chunk.subarray(pos, pos + n));
        pos += n;
        left -= n;
        if (left === 0) {
          finish();
          if (closes) return { messages, error: null };
        }
      } else if (framing === CHUNKED) {
        pos = decoder.decode(chunk, pos, chunk.length);
        if (decoder.error !== null) return { messages, error: decoder.error.code };
        if (decoder.dataEnd > decoder.dataStart) body.push(chunk.subarray(decoder.dataStart, decoder.dataEnd));
        if (decoder.done) {
          current.trailers = splitTrailers(decoder.trailers);
          finish();
          if (closes) return { messages, error: null };
        }
      } else {
        body.push(chunk.subarray(pos));
        pos = chunk.length;
      }
    }
  }
  if (current !== null && framing === UNTIL_CLOSE && eof) finish();
  else if (eof && (current !== null || scanner.started)) return { messages, error: 'TRUNCATED' };
  return { messages, error: null };
}

/** Raw `name: value\r\n` lines as [name, value, …], values without surrounding whitespace. */
function splitTrailers(raw: Buffer | null): string[] {
  if (raw === null) return [];
  const fields: string[] = [];
  for (const line of raw.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    fields.push(line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ''));
  }
  return fields;
}

const require = createRequire(import.meta.url);
interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  [key: number]: unknown;
}
const { HTTPParser } = require('_http_common') as {
  HTTPParser: { new(): Parser; REQUEST: number; RESPONSE: number; kOnHeaders: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number; kLenientNone: number };
};
/** llhttp's method numbers (its llhttp_method enum, node's internal allMethods). */
const LLHTTP_METHODS = ['DELETE', 'GET', 'HEAD', 'POST', 'PUT', 'CONNECT', 'OPTIONS', 'TRACE', 'COPY', 'LOCK', 'MKCOL', 'MOVE', 'PROPFIND', 'PROPPATCH',
  'SEARCH', 'UNLOCK', 'BIND', 'REBIND', 'UNBIND', 'ACL', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE',
  'PATCH', 'PURGE', 'MKCALENDAR', 'LINK', 'UNLINK', 'SOURCE', 'PRI', 'DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER',
  'SET_PARAMETER', 'REDIRECT', 'RECORD', 'FLUSH', 'QUERY'];

/** The same records from llhttp in strict mode (node:http's parser, no lenient flags). */
export function llhttpRead(kind: number, data: Buffer, eof = true): ReadResult {
  const parser = new HTTPParser();
  parser.initialize(kind === REQUEST ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, HTTPParser.kLenientNone);
  const messages: ReadMessage[] = [];
  let current: ReadMessage | null = null;
  let pendingHeaders: string[] = [];
  let pendingUrl = '';
  const body: Buffer[] = [];
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    pendingHeaders.push(...headers);
    pendingUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (_major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined,
    status: number, _reason: string, upgrade: boolean) => {
    current = {
      method: kind === REQUEST ? LLHTTP_METHODS[method]! : '', target: url ?? pendingUrl, status: status ?? 0, minor,
      headers: headers ?? pendingHeaders, body: '', trailers: [], upgrade,
    };
    pendingHeaders = [];
    pendingUrl = '';
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => body.push(Buffer.from(chunk));
  parser[HTTPParser.kOnMessageComplete] = () => {
    // Headers reported after the head are the trailer section.
    current!.trailers = pendingHeaders;
    pendingHeaders = [];
    pendingUrl = '';
    current!.body = Buffer.concat(body).toString('latin1');
    body.length = 0;
    messages.push(current!);
    current = null;
  };
  const result = parser.execute(data);
  if (result instanceof Error) return { messages, error: (result as Error & { code: string }).code };
  if (messages.at(-1)?.upgrade) return { messages, error: null };
  if (eof) {
    const end = parser.finish();
    if (end instanceof Error) return { messages, error: (end as Error & { code: string }).code };
    if (current !== null) return { messages, error: 'TRUNCATED' };
  }
  return { messages, error: null };
}
