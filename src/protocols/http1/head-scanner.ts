/**
 * Incremental HTTP/1.1 head scanner: finds where a request or response head
 * ends in the chunks a socket delivers, and its start line and fields as
 * offsets, in place.
 *
 * Usage (one scanner per connection and direction):
 *
 *   const at = scanner.scan(chunk, offset);
 *   if (at >= 0) {        // a head ended at chunk[at]; its body (or the next message) starts there
 *     const head = scanner.head!;          // a fresh MessageHead, owned by the caller
 *   } else if (at === NEED_MORE) {         // chunk[offset..] was taken; push the next chunk
 *   } else {                               // FAILED: scanner.error says why; answer it and close
 *   }
 *
 * A head that lies inside one chunk is reported as offsets into that chunk
 * (no copy); only a head cut by a chunk boundary is copied, and only its own
 * bytes, into a buffer of its own. Bytes after the head are never taken.
 *
 * Lines are scanned whole: the line end is found first (memchr, resumed
 * where the last search stopped, so a head trickling in byte by byte is
 * searched once), then the line is checked byte by byte against RFC 9112's
 * grammar, strictly: CRLF only, no obs-fold, no whitespace before a colon, no
 * control bytes in values, one space between the parts of the start line,
 * HTTP/1.0 or HTTP/1.1 only. llhttp (node's parser, strict mode) accepts at
 * least everything this accepts, which test/fuzz/http1-vs-llhttp checks.
 */
import { COLON, CR, FIELD_VALUE, HTAB, latin1, LF, REASON, SP, TARGET, TOKEN } from './bytes.ts';
import { fieldNameAt } from './field-names.ts';
import { readRequestFraming, readResponseFraming } from './framing.ts';
import { headError, type HeadError, type HeadErrorCode } from './head-error.ts';
import { DEFAULT_HEAD_LIMITS, type HeadLimits } from './limits.ts';
import { MessageHead } from './message-head.ts';
import { methodAt, type Method } from './methods.ts';
import { BAD_FORM, targetForm } from './request-target.ts';

/** Which start line a scanner expects. */
export const REQUEST = 0;
export const RESPONSE = 1;

/** scan() results besides an offset. */
export const NEED_MORE = -1;
export const FAILED = -2;

// Where the scanner stands in a head.
const START_LINE = 0;
const FIELD_LINE = 1;

const MIN_PENDING = 1024;

/**
 * Field offsets and name numbers of the head being scanned. A scan runs to
 * its end without yielding, so every scanner of the process shares these:
 * an idle connection's scanner holds no arrays, and only a head cut by a
 * chunk boundary keeps a copy of its fields so far (see keep()).
 */
let scratchFields = new Int32Array(4 * 64);
let scratchNames = new Uint8Array(64);

export class HeadScanner {
  /** The head the last successful scan() completed. */
  head: MessageHead | null = null;
  /** Set when the input broke the protocol; the scanner is then done. */
  error: HeadError | null = null;
  readonly limits: HeadLimits;
  private readonly kind: number;

  private state = START_LINE;
  /** The unfinished head cut by a chunk boundary, from its first byte; null when none. */
  private pending: Buffer | null = null;
  private pendingLength = 0;
  private headStart = 0;
  private lineStart = 0;
  /** How far the current line has been searched for its LF. */
  private searchedTo = 0;

  private fieldCount = 0;
  /** The fields of an unfinished head, saved while it waits for its next chunk. */
  private savedFields: Int32Array | null = null;
  private savedNames: Uint8Array | null = null;
  private method: Method | '' = '';
  private targetStart = 0;
  private targetEnd = 0;
  private targetForm = 0;
  /** Written by targetForm() for an absolute-form target. */
  authorityStart = 0;
  authorityEnd = 0;
  private minor = 1;
  private status = 0;
  private reasonStart = 0;
  private reasonEnd = 0;

  constructor(kind: number, limits: HeadLimits = DEFAULT_HEAD_LIMITS) {
    this.kind = kind;
    this.limits = limits;
  }

  /** Whether part of a head has arrived and its end has not: a peer that stops now sent a truncated message. */
  get started(): boolean {
    return this.pending !== null;
  }

  /** Scans chunk[offset..]: the offset just past a completed head, NEED_MORE (everything taken) or FAILED. */
  scan(chunk: Buffer, offset: number): number {
    if (this.error !== null) return FAILED;
    if (this.pending !== null) return this.continuePending(chunk, offset);
    this.headStart = this.lineStart = this.searchedTo = offset;
    const at = this.run(chunk, chunk.length);
    if (at === NEED_MORE && this.headStart < chunk.length) this.keep(chunk);
    return at;
  }

  /** Forgets an unfinished head (the connection is being reused for something else, or closed). */
  reset(): void {
    this.pending = null;
    this.savedFields = null;
    this.savedNames = null;
    this.state = START_LINE;
    this.fieldCount = 0;
  }

  private run(buf: Buffer, end: number): number {
    const limits = this.limits;
    for (;;) {
      const lineStart = this.lineStart;
      let lf = this.searchedTo < end ? buf.indexOf(LF, this.searchedTo) : -1;
      if (lf >= end) lf = -1;
      if (lf < 0) {
        this.searchedTo = end;
        if (this.state === START_LINE && this.kind === REQUEST && end - lineStart > limits.maxStartLine) return this.fail('URI_TOO_LONG');
        if (end - this.headStart > limits.maxHeadSize) return this.fail('HEAD_TOO_LARGE');
        return NEED_MORE;
      }
      if (lf === lineStart || buf[lf - 1] !== CR) return this.fail('BARE_LF');
      const lineEnd = lf - 1;
      this.lineStart = this.searchedTo = lf + 1;
      if (this.state === START_LINE) {
        if (lineEnd === lineStart && this.kind === REQUEST) {
          // RFC 9112 §2.2: empty lines before a request line are ignored (old clients send one after a body).
          this.headStart = lf + 1;
          continue;
        }
        if (this.kind === REQUEST && lineEnd - lineStart > limits.maxStartLine) return this.fail('URI_TOO_LONG');
        if (lf + 1 - this.headStart > limits.maxHeadSize) return this.fail('HEAD_TOO_LARGE');
        const problem = this.kind === REQUEST ? this.requestLine(buf, lineStart, lineEnd) : this.statusLine(buf, lineStart, lineEnd);
        if (problem !== null) return this.fail(problem);
        this.state = FIELD_LINE;
        continue;
      }
      if (lf + 1 - this.headStart > limits.maxHeadSize) return this.fail('HEAD_TOO_LARGE');
      if (lineEnd === lineStart) return this.complete(buf, lf + 1);
      const problem = this.fieldLine(buf, lineStart, lineEnd);
      if (problem !== null) return this.fail(problem);
    }
  }

  /** method SP request-target SP HTTP-version (RFC 9112 §3), exactly one space each. */
  private requestLine(buf: Buffer, start: number, end: number): HeadErrorCode | null {
    let at = start;
    while (at < end && TOKEN[buf[at]!] === 1) at++;
    if (at === start) return 'BAD_START_LINE';
    if (at === end || buf[at] !== SP) return at === end ? 'BAD_START_LINE' : 'BAD_METHOD';
    const method = methodAt(buf, start, at);
    if (method === null) return 'UNKNOWN_METHOD';
    const targetStart = ++at;
    while (at < end && TARGET[buf[at]!] === 1) at++;
    if (at === targetStart || at === end) return 'BAD_START_LINE';
    if (buf[at] !== SP) return 'BAD_TARGET';
    const minor = httpVersion(buf, at + 1, end);
    if (minor < 0) return 'BAD_VERSION';
    const form = targetForm(buf, targetStart, at, method, this);
    if (form === BAD_FORM) return 'BAD_TARGET';
    this.method = method;
    this.targetStart = targetStart;
    this.targetEnd = at;
    this.targetForm = form;
    this.minor = minor;
    return null;
  }

  /** HTTP-version SP 3DIGIT [SP reason-phrase] (RFC 9112 §4; the space before an empty reason is often left out). */
  private statusLine(buf: Buffer, start: number, end: number): HeadErrorCode | null {
    const minor = httpVersion(buf, start, start + 8);
    if (minor < 0 || end - start < 12 || buf[start + 8] !== SP) return 'BAD_STATUS';
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const digit = buf[i]! - 0x30;
      if (digit < 0 || digit > 9) return 'BAD_STATUS';
      status = status * 10 + digit;
    }
    if (status < 100) return 'BAD_STATUS';
    let reasonStart = start + 12;
    if (reasonStart < end) {
      if (buf[reasonStart] !== SP) return 'BAD_STATUS';
      reasonStart++;
      for (let i = reasonStart; i < end; i++) if (REASON[buf[i]!] !== 1) return 'BAD_STATUS';
    }
    this.minor = minor;
    this.status = status;
    this.reasonStart = reasonStart;
    this.reasonEnd = end;
    return null;
  }

  /** field-name ":" OWS field-value OWS (RFC 9112 §5). */
  private fieldLine(buf: Buffer, start: number, end: number): HeadErrorCode | null {
    const first = buf[start];
    if (first === SP || first === HTAB) return 'OBS_FOLD';
    let at = start;
    while (at < end && TOKEN[buf[at]!] === 1) at++;
    if (at === start || at === end || buf[at] !== COLON) return 'BAD_FIELD_NAME';
    const nameEnd = at++;
    while (at < end && (buf[at] === SP || buf[at] === HTAB)) at++;
    const valueStart = at;
    let valueEnd = at;
    for (; at < end; at++) {
      const c = buf[at]!;
      if (FIELD_VALUE[c] !== 1) return 'BAD_FIELD_VALUE';
      if (c !== SP && c !== HTAB) valueEnd = at + 1;
    }
    const i = this.fieldCount++;
    if (i === scratchNames.length) growScratch();
    const fields = scratchFields;
    fields[4 * i] = start;
    fields[4 * i + 1] = nameEnd;
    fields[4 * i + 2] = valueStart;
    fields[4 * i + 3] = valueEnd;
    scratchNames[i] = fieldNameAt(buf, start, nameEnd);
    return null;
  }

  private complete(buf: Buffer, end: number): number {
    const count = this.fieldCount;
    const head = new MessageHead(buf, this.headStart, end, this.minor, count, scratchFields.slice(0, 4 * count), scratchNames.slice(0, count));
    this.state = START_LINE;
    this.fieldCount = 0;
    this.pending = null;
    this.savedFields = null;
    this.savedNames = null;
    let problem: HeadErrorCode | null;
    if (this.kind === REQUEST) {
      head.method = this.method;
      head.targetStart = this.targetStart;
      head.targetEnd = this.targetEnd;
      head.target = latin1(buf, this.targetStart, this.targetEnd);
      head.targetForm = this.targetForm;
      head.authorityStart = this.authorityStart;
      head.authorityEnd = this.authorityEnd;
      problem = readRequestFraming(head);
    } else {
      head.status = this.status;
      head.reasonStart = this.reasonStart;
      head.reasonEnd = this.reasonEnd;
      problem = readResponseFraming(head);
    }
    if (problem !== null) return this.fail(problem);
    this.head = head;
    return end;
  }

  private fail(code: HeadErrorCode): number {
    this.error = headError(code);
    this.pending = null;
    this.savedFields = null;
    this.savedNames = null;
    return FAILED;
  }


  /** Moves the unfinished head at the end of `chunk` into a buffer of its own, its offsets with it. */
  private keep(chunk: Buffer): void {
    const shift = this.headStart;
    const length = chunk.length - shift;
    const pending = Buffer.allocUnsafe(Math.min(Math.max(MIN_PENDING, 2 * length), this.limits.maxHeadSize + 1));
    chunk.copy(pending, 0, shift);
    this.pending = pending;
    this.pendingLength = length;
    this.rebase(shift);
    this.saveFields();
  }

  /** Keeps the fields scanned so far of an unfinished head: the shared scratch is another scanner's before this one resumes. */
  private saveFields(): void {
    const count = this.fieldCount;
    this.savedFields = scratchFields.slice(0, 4 * count);
    this.savedNames = scratchNames.slice(0, count);
  }

  private restoreFields(): void {
    const count = this.fieldCount;
    while (count > scratchNames.length) growScratch();
    scratchFields.set(this.savedFields!);
    scratchNames.set(this.savedNames!);
  }

  /** Appends to the pending head only the bytes it may still own, so what follows it is scanned in place. */
  private continuePending(chunk: Buffer, offset: number): number {
    const before = this.pendingLength;
    const take = Math.min(chunk.length - offset, this.limits.maxHeadSize + 1 - before);
    let pending = this.pending!;
    if (before + take > pending.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(before + take, 2 * pending.length), this.limits.maxHeadSize + 1));
      pending.copy(grown, 0, 0, before);
      pending = this.pending = grown;
    }
    chunk.copy(pending, before, offset, offset + take);
    this.pendingLength = before + take;
    this.restoreFields();
    const at = this.run(pending, this.pendingLength);
    if (at === NEED_MORE) this.saveFields();
    return at >= 0 ? offset + (at - before) : at;
  }

  private rebase(shift: number): void {
    this.headStart -= shift;
    this.lineStart -= shift;
    this.searchedTo -= shift;
    for (let i = 0; i < 4 * this.fieldCount; i++) scratchFields[i]! -= shift;
    this.targetStart -= shift;
    this.targetEnd -= shift;
    this.authorityStart -= shift;
    this.authorityEnd -= shift;
    this.reasonStart -= shift;
    this.reasonEnd -= shift;
  }
}

function growScratch(): void {
  const fields = new Int32Array(scratchFields.length * 2);
  fields.set(scratchFields);
  scratchFields = fields;
  const names = new Uint8Array(scratchNames.length * 2);
  names.set(scratchNames);
  scratchNames = names;
}

/** `HTTP/1.0` or `HTTP/1.1` exactly at buf[start, end): the minor version, else -1. */
function httpVersion(buf: Buffer, start: number, end: number): number {
  if (end - start !== 8) return -1;
  if (buf[start] !== 0x48 || buf[start + 1] !== 0x54 || buf[start + 2] !== 0x54 || buf[start + 3] !== 0x50 ||
    buf[start + 4] !== 0x2f || buf[start + 5] !== 0x31 || buf[start + 6] !== 0x2e) return -1;
  const minor = buf[start + 7]! - 0x30;
  return minor === 0 || minor === 1 ? minor : -1;
}
