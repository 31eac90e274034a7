/**
 * The local store's keys: a TAT per key (gcra.ts), in a Float64Array slot
 * per key so a million keys cost the Map entry and no boxed number each.
 * Memory is bounded twice: a key whose TAT is past is forgotten by a sweep
 * that walks a slice of the table every tick (it holds nothing a fresh key
 * would not), and at `maxKeys` the oldest keys give way to new ones (a
 * flood of distinct keys can only make the limiter forget, never grow).
 */
export class KeyTable {
  readonly maxKeys: number;
  private readonly slots = new Map<string, number>();
  private tats: Float64Array;
  private free: number[] = [];
  private next = 0;
  private sweeper: MapIterator<[string, number]> | null = null;
  /** Keys pushed out at maxKeys while their TAT was still ahead. */
  evictions = 0;

  constructor(maxKeys: number) {
    this.maxKeys = maxKeys;
    this.tats = new Float64Array(Math.min(maxKeys, 1024));
  }

  get size(): number {
    return this.slots.size;
  }

  /** The key's TAT, 0 when it has none. */
  get(key: string): number {
    const slot = this.slots.get(key);
    return slot === undefined ? 0 : this.tats[slot]!;
  }

  /** Stores a TAT for the key; a TAT at or before `now` is dropped instead (a full bucket needs no entry). */
  set(key: string, tat: number, now: number): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      if (tat > now) this.tats[slot] = tat;
      else this.remove(key, slot);
      return;
    }
    if (tat <= now) return;
    if (this.slots.size >= this.maxKeys) this.evictOldest(now);
    const fresh = this.free.pop() ?? this.grow();
    this.tats[fresh] = tat;
    this.slots.set(key, fresh);
  }

  /** Forgets up to `budget` keys' worth of the table whose TAT is past; resumes where the last sweep stopped. */
  sweep(now: number, budget: number): void {
    let iterator = this.sweeper ?? this.slots.entries();
    for (let i = 0; i < budget; i++) {
      const step = iterator.next();
      if (step.done) {
        this.sweeper = null;
        return;
      }
      const [key, slot] = step.value;
      if (this.tats[slot]! <= now) this.remove(key, slot);
    }
    this.sweeper = iterator;
  }

  private remove(key: string, slot: number): void {
    this.slots.delete(key);
    this.free.push(slot);
  }

  /**
   * Map order is insertion order, so the sweep's cursor walks from the
   * longest-held keys on: the key under it goes. (Asking a fresh iterator
   * for the first key would skip every deleted entry before it each time.)
   */
  private evictOldest(now: number): void {
    let step = this.sweeper?.next();
    if (step === undefined || step.done) {
      this.sweeper = this.slots.entries();
      step = this.sweeper.next();
    }
    const [key, slot] = step.value!;
    if (this.tats[slot]! > now) this.evictions++;
    this.remove(key, slot);
  }

  private grow(): number {
    if (this.next === this.tats.length) {
      const bigger = new Float64Array(Math.min(this.maxKeys, this.tats.length * 2));
      bigger.set(this.tats);
      this.tats = bigger;
    }
    return this.next++;
  }
}
