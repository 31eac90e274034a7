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

  /**
   * `points[i]` (uint32) owned by `owners[i]`; sorted here, ties kept in
   * insertion order (glibc's qsort is a stable merge sort). With `unique`,
   * only the first of equal points stays, as nginx keeps its ring.
   */
  constructor(points: ArrayLike<number>, owners: ArrayLike<number>, unique = false) {
    const sortedPoints = Uint32Array.from(points);
    const sortedOwners = Int32Array.from(owners);
    sortRing(sortedPoints, sortedOwners);
    let n = sortedPoints.length;
    if (unique) {
      n = 0;
      for (let i = 0; i < sortedPoints.length; i++) {
        if (n > 0 && sortedPoints[i] === sortedPoints[n - 1]) continue;
        sortedPoints[n] = sortedPoints[i];
        sortedOwners[n++] = sortedOwners[i];
      }
    }
    this.points = sortedPoints.subarray(0, n);
    this.owners = sortedOwners.subarray(0, n);
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

/**
 * Sorts points ascending, carrying each point's owner along, and keeps
 * equal points in their order: an LSD radix sort, four stable counting
 * passes of one byte each. Linear, and it reads both arrays front to back,
 * where a comparator sort of an index array took seconds (and the gather
 * after it a second) for an nginx ring with large weights (160 points per
 * unit of weight).
 */
function sortRing(points: Uint32Array, owners: Int32Array): void {
  const n = points.length;
  let fromPoints: Uint32Array = points;
  let fromOwners: Int32Array = owners;
  let toPoints: Uint32Array = new Uint32Array(n);
  let toOwners: Int32Array = new Int32Array(n);
  const starts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    starts.fill(0);
    for (let i = 0; i < n; i++) starts[(fromPoints[i] >>> shift) & 0xff]++;
    for (let b = 0, at = 0; b < 256; b++) {
      const count = starts[b];
      starts[b] = at;
      at += count;
    }
    for (let i = 0; i < n; i++) {
      const to = starts[(fromPoints[i] >>> shift) & 0xff]++;
      toPoints[to] = fromPoints[i];
      toOwners[to] = fromOwners[i];
    }
    [fromPoints, toPoints] = [toPoints, fromPoints];
    [fromOwners, toOwners] = [toOwners, fromOwners];
  }
  // Four passes, an even number of swaps: the sorted data is back in points and owners.
}
