// Key → server lookups over tables that src/hash/ builds in JS and copies
// into this module's memory. Each table kind mirrors one JS distribution's
// pick(); the JS twin is the fallback and the second opinion.

export const KIND_CONTINUUM = 0; // sorted points + owners: first point >= hash, wrapping (ketama, ketama_nginx)
export const KIND_SLOTS = 1;     // owners[hash % n] (modula, maglev)
export const KIND_JUMP = 2;      // owners[jump(hash, n)] (jump over weight-expanded buckets)
export const KIND_RENDEZVOUS = 3; // argmax weight / -ln(u(hash, seed)) (rendezvous)
export const KIND_FIXED = 4;     // owners[0]: one server, no hashing (as twemproxy)

export function continuum(points: usize, owners: usize, n: u32, hash: u32): i32 {
  let lo: u32 = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<u32>(points + (<usize>mid << 2)) < hash) lo = mid + 1;
    else hi = mid;
  }
  if (lo == n) lo = 0;
  return load<i32>(owners + (<usize>lo << 2));
}

/** Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). */
export function jump(hash: u32, buckets: u32): u32 {
  let key: u64 = hash;
  let b: i64 = -1, j: i64 = 0;
  while (j < <i64>buckets) {
    b = j;
    key = key * 2862933555777941757 + 1;
    j = <i64>(<f64>(b + 1) * (<f64>(<i64>1 << 31) / <f64>((key >>> 33) + 1)));
  }
  return <u32>b;
}

/** murmur3's fmix32: spreads (key hash ^ server seed) over all 32 bits. */
// @ts-ignore: decorator
@inline export function fmix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x85ebca6b;
  x ^= x >>> 13;
  x *= 0xc2b2ae35;
  x ^= x >>> 16;
  return x;
}

const LN2: f64 = 0.6931471805599453;
const SQRT2: f64 = 1.4142135623730951;

/**
 * ln((2m + 1) / 2^33), i.e. of a uniform draw in (0, 1), from + - × / only.
 * Every replica and both the JS and WASM routers must rank servers the same,
 * so this avoids Math.log, whose last bit may differ between engines.
 */
export function lnUnit(m: u32): f64 {
  const bits = 33 - <i32>clz(m);           // bit length of v = 2m + 1
  let e = bits - 1 - 33;
  let f = <f64>(<u64>m * 2 + 1) * reinterpret<f64>(<u64>(1023 - (bits - 1)) << 52); // v / 2^(bits-1), in [1, 2)
  if (f > SQRT2) {
    f = f * 0.5;
    e += 1;
  }
  const s = (f - 1.0) / (f + 1.0);
  const s2 = s * s;
  let poly = 1.0 / 19.0;
  for (let k = 17; k >= 1; k -= 2) poly = poly * s2 + 1.0 / <f64>k;
  return 2.0 * s * poly + <f64>e * LN2;
}

export function rendezvous(seeds: usize, weights: usize, owners: usize, n: u32, hash: u32): i32 {
  let best: i32 = 0;
  let bestScore: f64 = -1.0;
  for (let i: u32 = 0; i < n; i++) {
    const u = fmix32(hash ^ load<u32>(seeds + (<usize>i << 2)));
    const score = load<f64>(weights + (<usize>i << 3)) / -lnUnit(u);
    if (score > bestScore) {
      bestScore = score;
      best = <i32>i;
    }
  }
  return load<i32>(owners + (<usize>best << 2));
}
