/**
 * A growable ring-buffer queue: O(1) push and shift with no per-item
 * allocation, for the requests in flight on a connection and the replies
 * a client is owed. The capacity is a power of two, so an index wraps with
 * a mask rather than a division.
 */
export class Fifo<T> {
  #items: (T | undefined)[];
  #mask: number;
  #head = 0;
  #count = 0;

  constructor(capacity = 16) {
    let size = 2;
    while (size < capacity) size *= 2;
    this.#items = new Array<T | undefined>(size);
    this.#mask = size - 1;
  }

  get length(): number {
    return this.#count;
  }

  push(item: T): void {
    if (this.#count === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#count) & this.#mask] = item;
    this.#count++;
  }

  peek(): T | undefined {
    return this.#count === 0 ? undefined : this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#count === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#count--;
    return item;
  }

  /** Removes and returns everything, oldest first. */
  drainAll(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    const items = this.#items;
    const next = new Array<T | undefined>(items.length * 2);
    for (let i = 0; i < this.#count; i++) next[i] = items[(this.#head + i) & this.#mask];
    this.#items = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}
