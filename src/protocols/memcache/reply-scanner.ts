/**
 * Incremental scanner of a memcached server's replies, unit by unit: a
 * status line, a number, an error, a STAT line, or a VALUE/VA line with its
 * data block. Which units make up the whole reply to one request is
 * reply-boundary.ts's business; this only finds the units.
 *
 *   scanner.push(chunk);
 *   while (scanner.next()) {
 *     const u = scanner.reply;
 *     if (u.kind === ReplyKind.malformed) { dropServerConnection(); break; }
 *     fifo.head.add(u.buffer.subarray(u.start, u.end));
 *     if (endsReply(fifo.head.expect, u.kind)) fifo.complete();
 *   }
 *
 * For a multi-get split over servers, each `value` unit carries its key's
 * offsets: collect each server's units (they come in the order of the keys
 * sent to it), then walk the client's keys in order, taking the next unit
 * of the key's server when its key matches, and finish with one `END`.
 */
import { FrameReader, LINE_OVER_LIMIT, NEED_MORE } from './frame-reader.ts';
import { parseReplyLine } from './reply-line.ts';
import { ReplyKind } from './reply-kind.ts';
import { ScannedReply } from './scanned-reply.ts';

export interface ReplyScannerOptions {
  /** Largest data block believed (default 1 GiB, memcached's ceiling for `-I`). */
  maxValueBytes?: number;
  /** Longest reply line believed (default 64 KiB; memcached's are far shorter). */
  maxLineBytes?: number;
}

export class ReplyScanner {
  readonly reply = new ScannedReply();
  readonly #reader = new FrameReader();
  readonly #maxValueBytes: number;
  readonly #maxLineBytes: number;
  #broken = false;

  constructor(options: ReplyScannerOptions = {}) {
    this.#maxValueBytes = options.maxValueBytes ?? 1024 * 1024 * 1024;
    this.#maxLineBytes = options.maxLineBytes ?? 64 * 1024;
  }

  push(chunk: Buffer): void {
    if (!this.#broken) this.#reader.push(chunk);
  }

  /** Bytes held for the incomplete unit. */
  get buffered(): number {
    return this.#reader.buffered;
  }

  /** Returns true with the next unit in `reply`; after a `malformed` unit, nothing more is read. */
  next(): boolean {
    if (this.#broken) return false;
    const reader = this.#reader;
    const found = reader.line(this.#maxLineBytes);
    if (found === NEED_MORE) return false;
    const reply = this.reply;
    if (found === LINE_OVER_LIMIT || reader.newline - reader.start > this.#maxLineBytes) {
      reply.reset(reader.buffer, reader.start, reader.start);
      return this.#breakOff();
    }
    const following = parseReplyLine(reply, reader.buffer, reader.start, reader.newline, this.#maxValueBytes);
    if (reply.kind === ReplyKind.malformed) return this.#breakOff();
    if (following > 0) {
      // Not all there: the line is parsed again, from its new copy, next time.
      if (!reader.block(following)) return false;
      if (!reply.takeBlock(reader.buffer, following)) {
        reply.kind = ReplyKind.malformed;
        return this.#breakOff();
      }
    }
    reader.consume(following);
    return true;
  }

  #breakOff(): boolean {
    this.#broken = true;
    return true;
  }
}
