/**
 * Incremental scanner of a client's memcached text-protocol stream (classic
 * and meta commands). Push each arriving chunk, then call next() until it
 * returns false; each true leaves one request in `request` (reused):
 *
 *   scanner.push(chunk);
 *   while (scanner.next()) {
 *     const r = scanner.request;
 *     if (r.kind === RequestKind.invalid) { queue(r.reply); if (r.close) closeAfterFlush(); continue; }
 *     route(r.buffer, r.keyStart(0), r.keyEnd(0)); forward(r.buffer.subarray(r.start, r.end));
 *   }
 *
 * Bad input becomes a request of kind `invalid` carrying the bytes a single
 * memcached 1.6.18 would answer and whether it would close; after a closing
 * one the scanner reads nothing more. Framing follows memcached too: after
 * a header error the data block is read as the next command line, a bad
 * data chunk is reported once the announced length has arrived, and an
 * item over the size limit has its data swallowed before the error shows.
 */
import { parseCommandLine } from './command-line.ts';
import { FrameReader, LINE_OVER_LIMIT, NEED_MORE } from './frame-reader.ts';
import { DEFAULT_ITEM_SIZE_MAX, LINE_LIMIT, LONG_GET_MAX_LEADING_SPACES, READ_BUFFER_SIZE } from './limits.ts';
import { BAD_DATA_CHUNK, LINE_TOO_LONG, NO_REPLY } from './replies.ts';
import { RequestKind } from './request-kind.ts';
import { ScannedRequest } from './scanned-request.ts';

export interface RequestScannerOptions {
  /** memcached's `-I`: larger items are refused as memcached would (default 1 MiB). */
  itemSizeMax?: number;
  /**
   * Longest get/gets line accepted (default 1 MiB). memcached lets them
   * grow without bound; past this the proxy answers memcached's
   * `SERVER_ERROR out of memory reading request` and closes.
   */
  maxGetLineBytes?: number;
}

/** The binary protocol's request magic; memcached switches protocol on it as the first byte. */
const BINARY_MAGIC = 0x80;

export class RequestScanner {
  readonly request = new ScannedRequest();
  readonly #reader = new FrameReader();
  readonly #itemSizeMax: number;
  readonly #maxGetLineBytes: number;
  #lineLimit = LINE_LIMIT;
  /** Bytes still to drop before the pending error in `request` is reported. */
  #swallowing = 0;
  #started = false;
  #closed = false;

  constructor(options: RequestScannerOptions = {}) {
    this.#itemSizeMax = options.itemSizeMax ?? DEFAULT_ITEM_SIZE_MAX;
    this.#maxGetLineBytes = options.maxGetLineBytes ?? 1024 * 1024;
  }

  push(chunk: Buffer): void {
    if (!this.#closed) this.#reader.push(chunk);
  }

  /** The pushed chunk is about to be overwritten: keeps what next() has not consumed (FrameReader.retain). */
  retain(): void {
    this.#reader.retain();
  }

  /**
   * Whether a request has begun but not fully arrived (a partial line, a
   * partial data block, or data being swallowed): the state in which a
   * proxy applies its client timeout, since memcached itself waits forever.
   */
  get midRequest(): boolean {
    return this.#reader.inFrame || this.#swallowing > 0;
  }

  /** Bytes held for the incomplete request. */
  get buffered(): number {
    return this.#reader.buffered;
  }

  /** Scans the next request into `request`; false when more bytes are needed, and for good after a closing error. */
  next(): boolean {
    if (this.#closed) return false;
    const reader = this.#reader;
    if (this.#swallowing > 0) {
      this.#swallowing -= reader.skip(this.#swallowing);
      return this.#swallowing === 0;
    }
    if (!this.#started && reader.buffered > 0) {
      this.#started = true;
      if (reader.peekByte() === BINARY_MAGIC) return this.#closeWith(NO_REPLY);
    }
    let found = reader.line(this.#lineLimit);
    if (found === LINE_OVER_LIMIT && this.#lineLimit === LINE_LIMIT && startsLongGet(reader.buffer, reader.start)) {
      this.#lineLimit = this.#maxGetLineBytes;
      found = reader.line(this.#lineLimit);
    }
    if (found === NEED_MORE) return false;
    if (found === LINE_OVER_LIMIT) return this.#closeWith(this.#lineLimit === LINE_LIMIT ? NO_REPLY : LINE_TOO_LONG);

    const { buffer, start, newline } = reader;
    const lineLength = newline - start;
    if (lineLength + 1 > READ_BUFFER_SIZE && !startsLongGet(buffer, start)) return this.#closeWith(NO_REPLY);
    if (lineLength > this.#maxGetLineBytes) return this.#closeWith(LINE_TOO_LONG);

    const request = this.request;
    const following = parseCommandLine(request, buffer, start, newline, this.#itemSizeMax);
    if (following === 0 || request.kind === RequestKind.invalid) {
      this.#endFrame(0);
      this.#closed = request.close;
      this.#swallowing = following;
      return following === 0 || this.next();
    }
    // Not all there: the line is parsed again, from its new copy, next time.
    if (!reader.block(following)) return false;
    const wholeBlock = request.takeBlock(reader.buffer, following);
    this.#endFrame(following);
    if (!wholeBlock) this.#badDataChunk();
    return true;
  }

  #endFrame(following: number): void {
    this.#reader.consume(following);
    this.#lineLimit = LINE_LIMIT;
  }

  /** complete_nread_ascii: classic `noreply` hides this error too; meta set always reports it. */
  #badDataChunk(): void {
    const request = this.request;
    const silent = request.noreply && request.kind !== RequestKind.ms;
    request.reject(silent ? NO_REPLY : BAD_DATA_CHUNK);
  }

  #closeWith(reply: Buffer): boolean {
    this.#closed = true;
    const request = this.request;
    request.reset(this.#reader.buffer, this.#reader.start, this.#reader.start);
    request.reject(reply, true);
    return true;
  }
}

/** try_read_command_ascii's exception for long lines: `get ` or `gets ` after at most 100 spaces. */
function startsLongGet(buf: Buffer, start: number): boolean {
  let i = start;
  while (i < buf.length && buf[i] === 32) i++;
  if (i - start > LONG_GET_MAX_LEADING_SPACES) return false;
  return isAt(buf, i, 'get ') || isAt(buf, i, 'gets ');
}

function isAt(buf: Buffer, at: number, text: string): boolean {
  if (at + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}
