import { NO_SERVER } from './types.ts';

/**
 * A hash ring: points sorted ascending, each owned by a server index. A key
 * hash belongs to the first point >= it, wrapping past the last point to the
 * first — the lookup of both twemproxy's ketama_dispatch and nginx's
 * `hash … consistent`.
 */
export class Continuum {
  readonly points: Uint32Array;
  readonly owners: Int32Array;

  /** `points[i]` owned by `owners[i]`; sorted here, ties kept in insertion order (glibc's qsort is a stable merge sort). */
  constructor(points: ArrayLike<number>, owners: ArrayLike<number>) {
    const order = Array.from({ length: points.length }, (_, i) => i);
    order.sort((a, b) => points[a] - points[b] || a - b);
    this.points = Uint32Array.from(order, (i) => points[i]);
    this.owners = Int32Array.from(order, (i) => owners[i]);
  }

  get size(): number {
    return this.points.length;
  }

  /** Index of the first point >= hash, wrapping to 0. */
  pointOf(hash: number): number {
    const points = this.points;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo === points.length ? 0 : lo;
  }

  pick(hash: number): number {
    return this.points.length === 0 ? NO_SERVER : this.owners[this.pointOf(hash)];
  }
}
