/**
 * One leaf's recent answer times and a percentile of them, for hedging
 * "after p95". A ring holds the last answers; the percentile is recomputed
 * from a sorted copy every size/16 answers, so recording costs a store and
 * the sort is spread thin. The ring is sized for about twenty answers above
 * the percentile; until it holds ten, the percentile is Infinity — no
 * hedging on a guess.
 */
export class LatencyWindow {
  /** The percentile in ms, Infinity until enough answers were seen. */
  value = Infinity;
  private readonly quantile: number;
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private readonly minimum: number;
  private readonly every: number;
  private count = 0;
  private next = 0;
  private sinceUpdate = 0;

  constructor(quantile: number) {
    this.quantile = quantile;
    const tail = Math.max(1e-4, 1 - quantile);
    const size = Math.min(16_384, Math.max(256, 2 ** Math.ceil(Math.log2(20 / tail))));
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
    this.minimum = Math.min(size, Math.ceil(10 / tail));
    this.every = size / 16;
  }

  record(ms: number): void {
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    if (++this.sinceUpdate >= this.every && this.count >= this.minimum) this.update();
  }

  private update(): void {
    this.sinceUpdate = 0;
    // Until the ring has wrapped, its first `count` slots are the answers seen.
    const view = this.sorted.subarray(0, this.count);
    view.set(this.ring.subarray(0, this.count));
    view.sort();
    this.value = view[Math.min(this.count - 1, Math.floor(this.quantile * this.count))]!;
  }
}
