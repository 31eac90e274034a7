const EMPTY = Buffer.alloc(0);

/**
 * What requests and replies share: where a scanned unit's bytes are. All
 * offsets index `buffer`, which is the pushed chunk itself or, for a unit
 * that spanned chunks, a copy of its own; either is never written again,
 * so slices may be queued for writing. The object itself is reused.
 */
export class ScannedFrame {
  buffer: Buffer = EMPTY;
  start = 0;
  /** One past the last byte (data block included): relay buffer[start, end). */
  end = 0;
  /** One past the line's `\n`. */
  lineEnd = 0;
  /** The data block without its `\r\n`; -1 when there is none. */
  dataStart = -1;
  dataEnd = -1;
  /** Meta `b`: the key is base64 (decode with decodeBase64Key). */
  keyBase64 = false;
  /** Meta `O…` value (after the `O`); -1 when absent. */
  opaqueStart = -1;
  opaqueEnd = -1;

  /**
   * The frame goes on with the `length` bytes after its line, now all in
   * `buffer` (a frame completed across chunks may have moved to a larger
   * copy; its offsets hold, since a copy starts at 0). The data block is
   * those bytes less their `\r\n`; false when they do not end in one.
   */
  takeBlock(buffer: Buffer, length: number): boolean {
    this.buffer = buffer;
    this.end = this.lineEnd + length;
    this.dataStart = this.lineEnd;
    this.dataEnd = this.end - 2;
    return buffer[this.end - 2] === 13 && buffer[this.end - 1] === 10;
  }

  protected resetFrame(buffer: Buffer, start: number, lineEnd: number): void {
    this.buffer = buffer;
    this.start = start;
    this.lineEnd = lineEnd;
    this.end = lineEnd;
    this.dataStart = -1;
    this.dataEnd = -1;
    this.keyBase64 = false;
    this.opaqueStart = -1;
    this.opaqueEnd = -1;
  }
}
