/**
 * The members of a collection that objects join and leave thousands of
 * times a second (connections of a listener): an array in which each member
 * keeps its own slot, under a symbol of this list, and leaving moves the
 * last member into the slot left. Not a Set: V8 rehashes a Set that churns
 * into a new table and keeps the replaced one pointing at it, and a replaced
 * table that has reached the old generation keeps every member it held (a
 * socket and all it holds) alive past the next scavenge; promoted, they
 * wait for a mark-compact (deadlines.ts tells the same of requests).
 */
export class SlotList<T extends object> {
  private readonly items: T[] = [];
  private readonly slot = Symbol('padda.slot');

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    const member = item as Record<symbol, number | undefined>;
    if (member[this.slot] !== undefined) return;
    member[this.slot] = this.items.length;
    this.items.push(item);
  }

  /** Whether it was a member. */
  delete(item: T): boolean {
    const member = item as Record<symbol, number | undefined>;
    const slot = member[this.slot];
    if (slot === undefined) return false;
    member[this.slot] = undefined;
    const last = this.items.pop()!;
    if (last !== item) {
      this.items[slot] = last;
      (last as Record<symbol, number | undefined>)[this.slot] = slot;
    }
    return true;
  }

  /** The members now, as a copy: acting on one may make others leave. */
  snapshot(): T[] {
    return this.items.slice();
  }
}
