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
