/**
 * The units of one multi-unit reply, kept as views of the server's chunks.
 * Units that follow each other in one chunk (a VALUE and its END, most of
 * a quiet run) stay one view, so the client gets fewer, larger writes.
 */
export class ReplyUnits {
  #parts: Buffer[] = [];
  #buffer: Buffer | null = null;
  #start = 0;
  #end = 0;

  add(buffer: Buffer, start: number, end: number): void {
    if (buffer === this.#buffer && start === this.#end) {
      this.#end = end;
      return;
    }
    this.#close();
    this.#buffer = buffer;
    this.#start = start;
    this.#end = end;
  }

  /** Everything added, in order. */
  take(): Buffer[] {
    this.#close();
    return this.#parts;
  }

  #close(): void {
    if (this.#buffer !== null) this.#parts.push(this.#buffer.subarray(this.#start, this.#end));
    this.#buffer = null;
  }
}
