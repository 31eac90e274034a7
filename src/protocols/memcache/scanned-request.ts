import { Expect, RequestKind } from './request-kind.ts';
import { NO_REPLY } from './replies.ts';
import { ScannedFrame } from './scanned-frame.ts';

/**
 * One client request as the scanner found it (see ScannedFrame for where
 * its bytes are). Read it before calling `next()` again.
 */
export class ScannedRequest extends ScannedFrame {
  kind: RequestKind = RequestKind.invalid;
  expect: Expect = Expect.none;
  /** `noreply` on a classic command, `q` on a meta command. */
  noreply = false;
  /** Bad input: the bytes memcached would answer (may be empty) and whether it then closes. */
  reply: Buffer = NO_REPLY;
  close = false;

  /** [start, end) pairs of every token of the command line; keys are a run of them. */
  tokens: Int32Array = new Int32Array(64);
  tokenCount = 0;
  firstKeyToken = 1;
  keyCount = 0;

  keyStart(index: number): number {
    return this.tokens[(this.firstKeyToken + index) * 2];
  }

  keyEnd(index: number): number {
    return this.tokens[(this.firstKeyToken + index) * 2 + 1];
  }

  tokenStart(index: number): number {
    return this.tokens[index * 2];
  }

  tokenEnd(index: number): number {
    return this.tokens[index * 2 + 1];
  }

  /** Clears the per-request fields before a new command line is parsed. */
  reset(buffer: Buffer, start: number, lineEnd: number): void {
    this.resetFrame(buffer, start, lineEnd);
    this.kind = RequestKind.invalid;
    this.expect = Expect.none;
    this.noreply = false;
    this.reply = NO_REPLY;
    this.close = false;
    this.firstKeyToken = 1;
    this.keyCount = 0;
  }

  /** Turns the request into bad input answered with `reply`. */
  reject(reply: Buffer, close = false): void {
    this.kind = RequestKind.invalid;
    this.expect = Expect.none;
    this.reply = reply;
    this.close = close;
    this.keyCount = 0;
    this.dataStart = -1;
    this.dataEnd = -1;
  }
}
