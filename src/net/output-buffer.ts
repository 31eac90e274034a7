import type net from 'node:net';

const EMPTY = Buffer.alloc(0);
const FIRST_CAPACITY = 16 * 1024;
/** A buffer grown past this for one large batch is not kept for the next. */
const KEPT_CAPACITY = 256 * 1024;

/**
 * The bytes gathered for one socket during an event-loop turn, copied into
 * one buffer as they come and written as one. The copy replaces a join at
 * flush time, and lets the bytes come from a buffer that is reused (the
 * shared read buffer). The buffer serves the next turn again when the
 * kernel took the whole write at once (libuv writes synchronously when it
 * can, and nothing of it stays queued in the socket); otherwise the socket
 * holds it until written and the next turn starts another.
 */
export class OutputBuffer {
  #buffer = EMPTY;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  append(bytes: Uint8Array): void {
    const length = this.#length + bytes.length;
    if (length > this.#buffer.length) this.#grow(length);
    this.#buffer.set(bytes, this.#length);
    this.#length = length;
  }

  /** Puts `parts` before everything gathered so far (a connection's handshake, which must go first). */
  prepend(parts: readonly Uint8Array[]): void {
    const held = this.#buffer.subarray(0, this.#length);
    this.#buffer = EMPTY;
    this.#length = 0;
    for (const part of parts) this.append(part);
    this.append(held);
  }

  /** Writes everything gathered to `socket` as one write. */
  writeTo(socket: net.Socket): void {
    const bytes = this.#buffer.subarray(0, this.#length);
    this.#length = 0;
    socket.write(bytes);
    if (socket.writableLength !== 0 || this.#buffer.length > KEPT_CAPACITY) this.#buffer = EMPTY;
  }

  clear(): void {
    this.#length = 0;
  }

  #grow(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.#buffer.length, FIRST_CAPACITY));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}
