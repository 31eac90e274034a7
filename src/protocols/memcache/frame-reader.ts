/**
 * Finds frames — a `\n`-terminated line plus an optional block of known
 * length — in a stream of arriving chunks, for the request and the reply
 * scanners alike. A frame that lies inside one chunk is handed out in place;
 * only a frame that spans chunks is copied, once, into a buffer of its own.
 * The reader never writes handed-out buffers again, so a caller whose
 * chunks are its own may queue slices of them for a socket write and keep
 * reading; one that reads into a reused buffer copies what it keeps and
 * calls retain() before the buffer is reused.
 */

export const LINE_READY = 1;
export const NEED_MORE = 0;
export const LINE_OVER_LIMIT = -1;

export class FrameReader {
  /** The current frame: its buffer, first byte, and the index of its line's `\n` (-1 while unknown). */
  buffer: Buffer = Buffer.alloc(0);
  start = 0;
  newline = -1;

  #chunk: Buffer = this.buffer;
  #position = 0;
  /** The frame being assembled across chunks, or null when it is in place. */
  #assembly: Buffer | null = null;
  #assembled = 0;

  /** Adds a chunk. Bytes not yet taken by a frame are kept, so pushing twice is safe. */
  push(chunk: Buffer): void {
    if (this.#position < this.#chunk.length) {
      this.#chunk = Buffer.concat([this.#chunk.subarray(this.#position), chunk]);
    } else {
      this.#chunk = chunk;
    }
    this.#position = 0;
  }

  /**
   * The pushed chunk is about to be overwritten (a reader sharing one read
   * buffer): copies the bytes no frame has taken into a buffer of their own.
   * A frame in progress is already held in its assembly buffer.
   */
  retain(): void {
    if (this.#position >= this.#chunk.length) return;
    this.#chunk = Buffer.from(this.#chunk.subarray(this.#position));
    this.#position = 0;
  }

  /** Bytes held for a frame not yet complete, plus unread bytes: what a stalled client costs. */
  get buffered(): number {
    return this.#assembled + this.#chunk.length - this.#position;
  }

  /** Whether the next frame has started arriving (a partial line or block is held). */
  get inFrame(): boolean {
    return this.#assembly !== null;
  }

  /** The next unread byte, or -1. */
  peekByte(): number {
    if (this.#assembly !== null) return this.#assembly[0];
    return this.#position < this.#chunk.length ? this.#chunk[this.#position] : -1;
  }

  /**
   * Finds the current frame's line. LINE_READY sets buffer/start/newline;
   * NEED_MORE keeps what arrived; LINE_OVER_LIMIT means more than `limit`
   * bytes arrived without a `\n` (buffer/start then show them).
   */
  line(limit: number): number {
    if (this.newline >= 0) return LINE_READY;
    const chunk = this.#chunk;
    const position = this.#position;
    if (this.#assembly === null) {
      if (position >= chunk.length) return NEED_MORE;
      const newline = findNewline(chunk, position);
      if (newline >= 0) {
        this.buffer = chunk;
        this.start = position;
        this.newline = newline;
        return LINE_READY;
      }
      this.buffer = chunk;
      this.start = position;
      if (chunk.length - position > limit) return LINE_OVER_LIMIT;
      this.#startAssembly(Math.max(256, (chunk.length - position) * 2));
      return NEED_MORE;
    }
    if (position >= chunk.length) return NEED_MORE;
    const newline = findNewline(chunk, position);
    const end = newline >= 0 ? newline + 1 : chunk.length;
    this.#append(end);
    this.buffer = this.#assembly;
    this.start = 0;
    if (newline >= 0) {
      this.newline = this.#assembled - 1;
      return LINE_READY;
    }
    return this.#assembled > limit ? LINE_OVER_LIMIT : NEED_MORE;
  }

  /** Whether the `length` bytes after the line have arrived; on true they follow the line in `buffer`. */
  block(length: number): boolean {
    const frameLength = this.newline + 1 - this.start + length;
    if (this.#assembly === null) {
      if (this.#chunk.length - this.start >= frameLength) return true;
      this.#startAssembly(frameLength);
      this.newline -= this.start;
      this.start = 0;
      this.buffer = this.#assembly!;
      return false;
    }
    if (this.#assembly.length < frameLength) this.#resize(frameLength);
    const take = Math.min(frameLength - this.#assembled, this.#chunk.length - this.#position);
    this.#append(this.#position + take);
    this.buffer = this.#assembly;
    return this.#assembled === frameLength;
  }

  /** Ends the current frame after `length` bytes past its line; the next frame starts after them. */
  consume(length: number): void {
    if (this.#assembly === null) this.#position = this.newline + 1 + length;
    this.#assembly = null;
    this.#assembled = 0;
    this.newline = -1;
  }

  /** Drops up to `count` bytes that belong to no frame (memcached's swallow); returns how many. */
  skip(count: number): number {
    const take = Math.min(count, this.#chunk.length - this.#position);
    this.#position += take;
    return take;
  }

  /** Copies the rest of the chunk into a new assembly buffer of `capacity` bytes. */
  #startAssembly(capacity: number): void {
    const assembly = Buffer.allocUnsafe(capacity);
    this.#chunk.copy(assembly, 0, this.#position);
    this.#assembly = assembly;
    this.#assembled = this.#chunk.length - this.#position;
    this.#position = this.#chunk.length;
  }

  #append(end: number): void {
    const count = end - this.#position;
    if (this.#assembled + count > this.#assembly!.length) this.#resize(Math.max(this.#assembly!.length * 2, this.#assembled + count));
    this.#chunk.copy(this.#assembly!, this.#assembled, this.#position, end);
    this.#assembled += count;
    this.#position = end;
  }

  #resize(capacity: number): void {
    const bigger = Buffer.allocUnsafe(capacity);
    this.#assembly!.copy(bigger, 0, 0, this.#assembled);
    this.#assembly = bigger;
  }
}

/**
 * Buffer#indexOf costs more to call than most command lines take to walk
 * (profiled: its JS wrapper was the top frame for 20-byte lines), so short
 * lines are searched in JS (first 64 bytes) and only long ones natively.
 */
function findNewline(chunk: Buffer, from: number): number {
  const stop = Math.min(chunk.length, from + 64);
  for (let i = from; i < stop; i++) if (chunk[i] === 10) return i;
  return stop < chunk.length ? chunk.indexOf(10, stop) : -1;
}
