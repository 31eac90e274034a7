/**
 * The units of one multi-unit reply, kept as views of the server's chunks.
 * Units that follow each other in one chunk (a VALUE and its END, most of
 * a quiet run) stay one view, so the client gets fewer, larger writes.
 */
const EMPTY = Buffer.alloc(0);

export class ReplyUnits {
  /** Runs already closed; null while there has been at most one. */
  #parts: Buffer[] | null = null;
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

  /** Everything added, in order: one view when it was one run (a get's VALUE and END usually are). */
  take(): Buffer | Buffer[] {
    if (this.#parts === null) return this.#buffer === null ? EMPTY : this.#buffer.subarray(this.#start, this.#end);
    this.#close();
    return this.#parts;
  }

  #close(): void {
    if (this.#buffer !== null) (this.#parts ??= []).push(this.#buffer.subarray(this.#start, this.#end));
    this.#buffer = null;
  }
}
