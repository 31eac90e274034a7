/**
 * Incremental RESP2 request scanner: finds each command's bytes and argument
 * offsets in the chunks a client socket delivers, in place.
 *
 * Usage (one scanner per client connection):
 *
 *   scanner.push(chunk);
 *   while (scanner.next()) {
 *     // scanner.buffer[scanner.start, scanner.end) is the whole command;
 *     // argument i is scanner.buffer[scanner.argStart[i], scanner.argEnd[i]).
 *   }
 *   if (scanner.error) { write scanner.error.reply (if any), then close }
 *
 * A command that lies inside one chunk is reported as offsets into that chunk
 * (no copy). Only a command cut by a chunk boundary is copied, and only its
 * own bytes, into a buffer of its own; the rest of the chunk is still scanned
 * in place. The scanner never writes reported bytes again, so a proxy whose
 * chunks are its own may hand `buffer.subarray(start, end)` to socket.write()
 * without copying; one that reads into a reused buffer copies what it keeps
 * and calls retain() before the buffer is reused.
 *
 * Parsing follows redis-server 7.0's networking.c (processMultibulkBuffer,
 * processInlineBuffer) decision for decision, so padda and the server always
 * agree on where a command ends, and padda answers malformed input with the
 * server's own error text (see protocol-error.ts). That includes Redis's
 * leniencies: the byte after a header's CR and the two bytes after a bulk are
 * skipped without being checked, and a NUL byte hides a line end (Redis looks
 * for it with strchr), leaving the client to run into the line-length limit.
 */
import type { CommandArguments } from './command-arguments.ts';
import { InlineCommandParser } from './inline-command.ts';
import { parseInteger } from './integer.ts';
import {
  requestLimits,
  UNAUTHENTICATED_MAX_BULK_LENGTH,
  UNAUTHENTICATED_MAX_MULTIBULK_LENGTH,
  type RequestLimits,
} from './limits.ts';
import { expectedDollarError, ProtocolError, queryBufferLimitError, requestError } from './protocol-error.ts';

const CR = 0x0d;
const LF = 0x0a;
const STAR = 0x2a;
const DOLLAR = 0x24;

// Where the parser stands inside the current command.
const COMMAND_START = 0;
const COUNT_LINE = 1;
const BULK_HEADER = 2;
const BULK_DATA = 3;
const INLINE_LINE = 4;

// What one scan() pass ended with.
const COMPLETE = 0;
const INCOMPLETE = 1;
const FAILED = 2;

const INITIAL_ARG_CAPACITY = 16;
/** Offset arrays above this many entries are dropped after use, so one huge command does not pin memory. */
const RETAINED_ARG_CAPACITY = 4096;
const MIN_PENDING_CAPACITY = 1024;
const EMPTY = Buffer.alloc(0);

export class RequestScanner implements CommandArguments {
  /** The Buffer holding the command last returned by next(). */
  buffer: Buffer = EMPTY;
  /** Byte range of that command in `buffer`. */
  start = 0;
  end = 0;
  /** Its argument count (at least 1). */
  argc = 0;
  /** Payload offsets of each argument in `buffer`. Re-read after every next(): the arrays are replaced when they grow. */
  argStart = new Int32Array(INITIAL_ARG_CAPACITY);
  argEnd = new Int32Array(INITIAL_ARG_CAPACITY);
  /** Set once the input broke the protocol; the scanner then stays stopped. */
  error: ProtocolError | null = null;
  /**
   * While true, the tighter limits Redis applies before AUTH (10 arguments,
   * 16 KB bulks) are enforced. Set it when a password is configured, clear it
   * once the client has authenticated.
   */
  requireAuth = false;
  readonly limits: RequestLimits;

  private input: Buffer = EMPTY;
  private inputPos = 0;
  /** The incomplete command cut by a chunk boundary, from its first byte; null when none. */
  private pending: Buffer | null = null;
  private pendingLength = 0;

  private state = COMMAND_START;
  /** First unparsed byte of the buffer being scanned. */
  private cursor = 0;
  private commandStart = 0;
  private argsLeft = 0;
  private bulkLength = 0;
  /** How far the current line has been searched for its end, so a line trickling in is not searched again from its start. */
  private searchedTo = 0;
  /** The current line has a NUL before its end: Redis will never find that end. */
  private lineBlocked = false;
  /** Made on the first inline command: most clients never send one, and an idle client should cost little. */
  private inline: InlineCommandParser | null = null;

  constructor(limits: Partial<RequestLimits> = {}) {
    this.limits = requestLimits(limits);
  }

  /** Hands over the next chunk; call next() until it returns false before pushing another. */
  push(chunk: Buffer): void {
    if (this.inputPos < this.input.length && this.error === null) {
      throw new Error('RequestScanner.push() called before next() consumed the previous chunk');
    }
    this.input = chunk;
    this.inputPos = 0;
  }

  /**
   * Advances to the next complete command. Returns false when the pushed
   * bytes hold no further complete command (an incomplete one is kept) or
   * when the input broke the protocol (then `error` is set).
   */
  next(): boolean {
    while (this.error === null) {
      let outcome: number;
      if (this.pending !== null) {
        outcome = this.continuePending();
      } else {
        if (this.inputPos >= this.input.length) return false;
        this.cursor = this.inputPos;
        outcome = this.scan(this.input, this.input.length);
        if (outcome === COMPLETE) this.inputPos = this.cursor;
        else if (outcome === INCOMPLETE) this.keepIncomplete();
      }
      if (outcome !== COMPLETE) return false;
      if (this.argc > 0) return true;
      // `*0`, `*-1` and blank inline lines are no commands; Redis skips them silently.
    }
    return false;
  }

  /**
   * The pushed chunk is about to be overwritten (a reader sharing one read
   * buffer): copies what next() has not consumed into a buffer of its own.
   * An incomplete command is already held in one.
   */
  retain(): void {
    if (this.inputPos >= this.input.length) return;
    this.input = Buffer.from(this.input.subarray(this.inputPos));
    this.inputPos = 0;
  }

  /** Bytes of the incomplete command currently held back (for memory accounting). */
  get bufferedBytes(): number {
    return this.pending === null ? 0 : this.pendingLength;
  }

  /**
   * Scans buf[cursor, end) from the current state. COMPLETE leaves the command
   * in buffer/start/end/argc; INCOMPLETE leaves cursor at the first byte still
   * to be parsed; FAILED sets `error`.
   */
  private scan(buf: Buffer, end: number): number {
    let pos = this.cursor;
    for (;;) {
      switch (this.state) {
        case COMMAND_START: {
          if (this.argStart.length > RETAINED_ARG_CAPACITY) this.resetArgCapacity();
          this.commandStart = pos;
          this.argc = 0;
          this.state = buf[pos] === STAR ? COUNT_LINE : INLINE_LINE;
          this.startLine(pos);
          break;
        }
        case COUNT_LINE: {
          let cr = plainNumberEnd(buf, pos, end);
          let count: number;
          if (cr >= 0) {
            count = plainNumberValue(buf, pos + 1, cr);
          } else {
            cr = this.findLineEnd(buf, pos, end, CR);
            if (cr < 0 || cr + 1 >= end) {
              if (cr < 0 && end - pos > this.limits.maxInlineLength) return this.fail(requestError('TOO_BIG_MULTIBULK_COUNT'));
              this.cursor = pos;
              return INCOMPLETE;
            }
            count = parseInteger(buf, pos + 1, cr);
          }
          if (!(count <= this.limits.maxMultibulkLength)) return this.fail(requestError('INVALID_MULTIBULK_LENGTH'));
          if (count > UNAUTHENTICATED_MAX_MULTIBULK_LENGTH && this.requireAuth) {
            return this.fail(requestError('UNAUTHENTICATED_MULTIBULK_LENGTH'));
          }
          pos = cr + 2;
          if (count <= 0) return this.complete(buf, pos);
          this.argsLeft = count;
          this.state = BULK_HEADER;
          this.startLine(pos);
          break;
        }
        case BULK_HEADER: {
          let cr = buf[pos] === DOLLAR ? plainNumberEnd(buf, pos, end) : -1;
          let length: number;
          if (cr >= 0) {
            length = plainNumberValue(buf, pos + 1, cr);
          } else {
            cr = this.findLineEnd(buf, pos, end, CR);
            if (cr < 0 || cr + 1 >= end) {
              if (cr < 0 && end - pos > this.limits.maxInlineLength) return this.fail(requestError('TOO_BIG_BULK_COUNT'));
              this.cursor = pos;
              return INCOMPLETE;
            }
            if (buf[pos] !== DOLLAR) return this.fail(expectedDollarError(buf[pos]));
            length = parseInteger(buf, pos + 1, cr);
          }
          if (!(length >= 0 && length <= this.limits.maxBulkLength)) return this.fail(requestError('INVALID_BULK_LENGTH'));
          if (length > UNAUTHENTICATED_MAX_BULK_LENGTH && this.requireAuth) {
            return this.fail(requestError('UNAUTHENTICATED_BULK_LENGTH'));
          }
          pos = cr + 2;
          this.bulkLength = length;
          this.state = BULK_DATA;
          break;
        }
        case BULK_DATA: {
          if (end - pos < this.bulkLength + 2) {
            this.cursor = pos;
            return INCOMPLETE;
          }
          this.addArgument(pos, pos + this.bulkLength);
          pos += this.bulkLength + 2;
          if (--this.argsLeft === 0) return this.complete(buf, pos);
          this.state = BULK_HEADER;
          this.startLine(pos);
          break;
        }
        default: // INLINE_LINE
          return this.scanInline(buf, pos, end);
      }
    }
  }

  private scanInline(buf: Buffer, pos: number, end: number): number {
    const lf = this.findLineEnd(buf, pos, end, LF);
    if (lf < 0) {
      if (end - pos > this.limits.maxInlineLength) return this.fail(requestError('TOO_BIG_INLINE_REQUEST'));
      this.cursor = pos;
      return INCOMPLETE;
    }
    const lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const inline = (this.inline ??= new InlineCommandParser());
    const command = inline.parse(buf, pos, lineEnd);
    if (command === null) return this.fail(requestError('UNBALANCED_QUOTES'));
    this.ensureArgCapacity(inline.argc);
    this.argStart.set(inline.argStart.subarray(0, inline.argc));
    this.argEnd.set(inline.argEnd.subarray(0, inline.argc));
    this.argc = inline.argc;
    this.cursor = lf + 1;
    this.state = COMMAND_START;
    this.buffer = command;
    this.start = 0;
    this.end = command.length;
    return COMPLETE;
  }

  private complete(buf: Buffer, pos: number): number {
    this.cursor = pos;
    this.state = COMMAND_START;
    this.buffer = buf;
    this.start = this.commandStart;
    this.end = pos;
    return COMPLETE;
  }

  private fail(error: ProtocolError): number {
    this.error = error;
    this.pending = null;
    this.input = EMPTY;
    this.inputPos = 0;
    return FAILED;
  }

  private startLine(pos: number): void {
    this.searchedTo = pos;
    this.lineBlocked = false;
  }

  /**
   * Index of the first `terminator` in buf[pos, end), or -1. Like Redis's
   * strchr, a NUL byte before it hides it for good. Resumes where the previous
   * search of the same line stopped.
   */
  private findLineEnd(buf: Buffer, pos: number, end: number, terminator: number): number {
    if (this.lineBlocked) return -1;
    for (let i = Math.max(pos, this.searchedTo); i < end; i++) {
      const c = buf[i];
      if (c === terminator) return i;
      if (c === 0) {
        this.lineBlocked = true;
        return -1;
      }
    }
    this.searchedTo = end;
    return -1;
  }

  private addArgument(start: number, end: number): void {
    if (this.argc === this.argStart.length) this.ensureArgCapacity(this.argc * 2);
    this.argStart[this.argc] = start;
    this.argEnd[this.argc] = end;
    this.argc++;
  }

  private ensureArgCapacity(capacity: number): void {
    if (capacity <= this.argStart.length) return;
    const starts = new Int32Array(capacity);
    starts.set(this.argStart.subarray(0, this.argc));
    const ends = new Int32Array(capacity);
    ends.set(this.argEnd.subarray(0, this.argc));
    this.argStart = starts;
    this.argEnd = ends;
  }

  private resetArgCapacity(): void {
    this.argStart = new Int32Array(INITIAL_ARG_CAPACITY);
    this.argEnd = new Int32Array(INITIAL_ARG_CAPACITY);
  }

  /** Moves the incomplete tail of the input chunk, from its command's first byte, into a buffer of its own. */
  private keepIncomplete(): void {
    const input = this.input;
    const shift = this.commandStart;
    const length = input.length - shift;
    if (this.heldBytes(length) > this.limits.maxQueryBuffer) {
      this.fail(queryBufferLimitError(this.limits.maxQueryBuffer));
      return;
    }
    for (let i = 0; i < this.argc; i++) {
      this.argStart[i] -= shift;
      this.argEnd[i] -= shift;
    }
    this.cursor -= shift;
    this.searchedTo = Math.max(this.searchedTo - shift, 0);
    this.commandStart = 0;
    const pending = Buffer.allocUnsafe(this.pendingCapacity(length, Math.max(MIN_PENDING_CAPACITY, 2 * length)));
    input.copy(pending, 0, shift);
    this.pending = pending;
    this.pendingLength = length;
    this.inputPos = input.length;
  }

  /**
   * Memory an incomplete command of `dataBytes` holds: its bytes, plus 8 bytes
   * of offsets per argument, so that a flood of empty arguments (6 bytes each
   * on the wire) is bounded by maxQueryBuffer too.
   */
  private heldBytes(dataBytes: number): number {
    return dataBytes + 8 * this.argc;
  }

  /**
   * Feeds the pending command from the input, only as many bytes as it can
   * still own (the rest of its bulk, or up to the end of its current line), so
   * that the commands after it are scanned in place again.
   */
  private continuePending(): number {
    for (;;) {
      if (this.inputPos >= this.input.length) return INCOMPLETE;
      const take = this.bytesToTake();
      if (this.heldBytes(this.pendingLength + take) > this.limits.maxQueryBuffer) {
        return this.fail(queryBufferLimitError(this.limits.maxQueryBuffer));
      }
      this.appendToPending(take);
      const outcome = this.scan(this.pending!, this.pendingLength);
      if (outcome === COMPLETE) this.pending = null;
      if (outcome !== INCOMPLETE) return outcome;
    }
  }

  private bytesToTake(): number {
    const input = this.input;
    const from = this.inputPos;
    const available = input.length - from;
    if (this.state === BULK_DATA) {
      return Math.min(available, this.cursor + this.bulkLength + 2 - this.pendingLength);
    }
    const terminator = this.state === INLINE_LINE ? LF : CR;
    // A header's CR already held back only lacks the byte after it.
    if (terminator === CR && !this.lineBlocked && this.pending![this.pendingLength - 1] === CR && this.pendingLength > this.cursor) return 1;
    const at = input.indexOf(terminator, from);
    if (at < 0) return available;
    return Math.min(available, at - from + (terminator === CR ? 2 : 1));
  }

  private appendToPending(take: number): void {
    let pending = this.pending!;
    const needed = this.pendingLength + take;
    if (needed > pending.length) {
      const grown = Buffer.allocUnsafe(this.pendingCapacity(needed, pending.length * 2));
      pending.copy(grown, 0, 0, this.pendingLength);
      pending = this.pending = grown;
    }
    this.input.copy(pending, this.pendingLength, this.inputPos, this.inputPos + take);
    this.pendingLength = needed;
    this.inputPos += take;
  }

  /**
   * Room for `needed` bytes, growing geometrically towards `wanted` so a big
   * command arriving in small chunks is copied O(1) times per byte, but never
   * past the end of a bulk whose length is known: a client's claim of a huge
   * bulk reserves nothing until the bytes arrive.
   */
  private pendingCapacity(needed: number, wanted: number): number {
    let capacity = Math.max(needed, wanted);
    if (this.state === BULK_DATA) capacity = Math.min(capacity, Math.max(needed, this.cursor + this.bulkLength + 2));
    return Math.min(capacity, Math.max(needed, this.limits.maxQueryBuffer));
  }
}

/**
 * The common header shape, `*<n>` or `$<n>` with n a plain positive number
 * of up to 15 digits, then CR and one more byte: returns the CR's index, or
 * -1 for anything else, which the exact (string2ll) path then decides. Both
 * agree on every line this accepts; this one only saves a second pass.
 */
function plainNumberEnd(buf: Buffer, pos: number, end: number): number {
  const first = buf[pos + 1];
  if (!(first >= 0x31 && first <= 0x39)) return -1;
  for (let p = pos + 2; p < end; p++) {
    const c = buf[p];
    if (c === CR) return p + 1 < end && p - pos <= 16 ? p : -1;
    if (c < 0x30 || c > 0x39) return -1;
  }
  return -1;
}

function plainNumberValue(buf: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + buf[i] - 0x30;
  return value;
}
