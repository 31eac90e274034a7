/** Drives the RESP scanners over a list of chunks and records what they report, for comparing chunkings. */
import { RequestScanner } from '../../src/protocols/resp/request-scanner.ts';
import type { RequestLimits } from '../../src/protocols/resp/limits.ts';
import { ReplyScanner } from '../../src/protocols/resp/reply-scanner.ts';

export interface ScannedRequests {
  /** Each command's arguments, latin1 so any byte survives. */
  commands: string[][];
  /** Each command's bytes as the scanner reported them. */
  raw: string[];
  /** The error reply (latin1), the error code when it has no reply, or null. */
  error: string | null;
  /** Bytes of an incomplete command held at the end. */
  buffered: number;
}

export function scanRequests(chunks: readonly Uint8Array[], limits: Partial<RequestLimits> = {}): ScannedRequests {
  const scanner = new RequestScanner(limits);
  const result: ScannedRequests = { commands: [], raw: [], error: null, buffered: 0 };
  for (const chunk of chunks) {
    scanner.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    while (scanner.next()) {
      const args: string[] = [];
      for (let i = 0; i < scanner.argc; i++) args.push(scanner.buffer.toString('latin1', scanner.argStart[i], scanner.argEnd[i]));
      result.commands.push(args);
      result.raw.push(scanner.buffer.toString('latin1', scanner.start, scanner.end));
    }
    if (scanner.error !== null) {
      result.error = scanner.error.reply?.toString('latin1') ?? scanner.error.code;
      break;
    }
  }
  result.buffered = scanner.bufferedBytes;
  return result;
}

/** `data` cut at the given offsets. */
export function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(data.subarray(from, cut));
    from = cut;
  }
  chunks.push(data.subarray(from));
  return chunks;
}

export interface ScannedReplies {
  /** Each complete reply's bytes (latin1) and type byte. */
  replies: string[];
  types: string[];
  error: string | null;
  /** A reply had begun but not ended when the chunks ran out. */
  partial: boolean;
}

export function scanReplies(chunks: readonly Uint8Array[]): ScannedReplies {
  const scanner = new ReplyScanner();
  const result: ScannedReplies = { replies: [], types: [], error: null, partial: false };
  let held = '';
  for (const chunk of chunks) {
    let from = 0;
    for (let end; (end = scanner.scan(chunk, from)) >= 0; from = end) {
      result.replies.push(held + Buffer.from(chunk).toString('latin1', from, end));
      result.types.push(String.fromCharCode(scanner.type));
      held = '';
    }
    if (scanner.error !== null) {
      result.error = scanner.error.message;
      return result;
    }
    held += Buffer.from(chunk).toString('latin1', from);
  }
  result.partial = scanner.inReply;
  return result;
}

/** A scanned command with these arguments (latin1), as the proxy would see it. */
export function commandFrom(args: readonly string[]): RequestScanner {
  const scanner = new RequestScanner();
  scanner.push(Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`, 'latin1'));
  if (!scanner.next()) throw new Error(`not a command: ${args.join(' ')}`);
  return scanner;
}
