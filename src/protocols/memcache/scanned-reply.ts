import { ReplyKind } from './reply-kind.ts';
import { ScannedFrame } from './scanned-frame.ts';

/** One server reply unit: a line, plus its data block for VALUE and VA. */
export class ScannedReply extends ScannedFrame {
  kind: ReplyKind = ReplyKind.malformed;
  /** The VALUE or ME key, or the value of a meta `k` return flag; -1 when absent. */
  keyStart = -1;
  keyEnd = -1;

  reset(buffer: Buffer, start: number, lineEnd: number): void {
    this.resetFrame(buffer, start, lineEnd);
    this.kind = ReplyKind.malformed;
    this.keyStart = -1;
    this.keyEnd = -1;
  }
}
