/** Turns scanner output into plain objects, so tests compare whole results at once. */
import { RequestScanner, type RequestScannerOptions } from '../../../src/protocols/memcache/request-scanner.ts';
import { ReplyScanner } from '../../../src/protocols/memcache/reply-scanner.ts';
import { replyKindName } from '../../../src/protocols/memcache/reply-kind.ts';
import { requestKindName } from '../../../src/protocols/memcache/request-kind.ts';

export interface RequestView {
  kind: string;
  expect: number;
  bytes: string;
  keys: string[];
  data: string | null;
  noreply: boolean;
  keyBase64: boolean;
  opaque: string | null;
  reply: string;
  close: boolean;
}

const text = (buf: Buffer, start: number, end: number) => buf.toString('latin1', start, end);

export function viewRequest(scanner: RequestScanner): RequestView {
  const r = scanner.request;
  const keys: string[] = [];
  for (let i = 0; i < r.keyCount; i++) keys.push(text(r.buffer, r.keyStart(i), r.keyEnd(i)));
  const valid = r.kind !== 0;
  return {
    kind: requestKindName[r.kind],
    expect: r.expect,
    // A rejected request promises no byte range: memcached may have swallowed bytes past it.
    bytes: valid ? text(r.buffer, r.start, r.end) : '',
    keys,
    data: r.dataStart < 0 ? null : text(r.buffer, r.dataStart, r.dataEnd),
    noreply: r.noreply,
    keyBase64: r.keyBase64,
    opaque: r.opaqueStart < 0 ? null : text(r.buffer, r.opaqueStart, r.opaqueEnd),
    reply: r.reply.toString('latin1'),
    close: r.close,
  };
}

/** Feeds `chunks` one by one and collects every request. */
export function scanRequests(chunks: readonly Buffer[], options?: RequestScannerOptions): RequestView[] {
  const scanner = new RequestScanner(options);
  const out: RequestView[] = [];
  for (const chunk of chunks) {
    scanner.push(chunk);
    while (scanner.next()) out.push(viewRequest(scanner));
  }
  return out;
}

export function scanRequestText(input: string | Buffer, options?: RequestScannerOptions): RequestView[] {
  return scanRequests([typeof input === 'string' ? Buffer.from(input, 'latin1') : input], options);
}

export interface ReplyView {
  kind: string;
  bytes: string;
  key: string | null;
  data: string | null;
  opaque: string | null;
  keyBase64: boolean;
}

export function scanReplies(chunks: readonly Buffer[]): ReplyView[] {
  const scanner = new ReplyScanner();
  const out: ReplyView[] = [];
  for (const chunk of chunks) {
    scanner.push(chunk);
    while (scanner.next()) {
      const u = scanner.reply;
      out.push({
        kind: replyKindName[u.kind],
        bytes: text(u.buffer, u.start, u.end),
        key: u.keyStart < 0 ? null : text(u.buffer, u.keyStart, u.keyEnd),
        data: u.dataStart < 0 ? null : text(u.buffer, u.dataStart, u.dataEnd),
        opaque: u.opaqueStart < 0 ? null : text(u.buffer, u.opaqueStart, u.opaqueEnd),
        keyBase64: u.keyBase64,
      });
    }
  }
  return out;
}

/** Every way to cut `input` in two, plus one byte at a time. */
export function splits(input: Buffer): Buffer[][] {
  const ways: Buffer[][] = [];
  for (let at = 1; at < input.length; at++) ways.push([input.subarray(0, at), input.subarray(at)]);
  ways.push([...input].map((byte) => Buffer.from([byte])));
  return ways;
}
