/** Shortest window a rate is measured over; page views closer together reuse the last rate. */
const MIN_WINDOW_MS = 1_000;

/**
 * Requests per second from counters read at each page view: the increase
 * since the previous reading at least a second old, over the time between.
 * Counters that went down (a listener reloaded) start over.
 */
export class RateTracker {
  private readonly readings = new Map<string, { value: number; at: number; rate: number | undefined }>();

  rate(key: string, value: number, now: number): number | undefined {
    const last = this.readings.get(key);
    if (last === undefined || value < last.value) {
      this.readings.set(key, { value, at: now, rate: undefined });
      return undefined;
    }
    if (now - last.at < MIN_WINDOW_MS) return last.rate;
    const rate = ((value - last.value) * 1000) / (now - last.at);
    this.readings.set(key, { value, at: now, rate });
    return rate;
  }

  /** Forgets keys not read in this view (listeners and members that went away). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.readings.keys()) if (!keys.has(key)) this.readings.delete(key);
  }
}
