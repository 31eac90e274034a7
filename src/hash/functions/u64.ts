// 64-bit unsigned arithmetic on [high, low] uint32 halves, for the JS
// fallbacks of 64-bit algorithms (xxh64, jump): BigInt would allocate on
// every operation. Results land in the exported H:L pair, not in arrays.

export let H = 0;
export let L = 0;

/** (ah:al) × (bh:bl) mod 2^64 → H:L. */
export function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a1 * b0 + (a0 * b1 >>> 0) + ((a0 * b0) >>> 16); // < 2^34, exact in a double
  const carry = Math.floor(mid / 0x10000);
  L = Math.imul(al, bl) >>> 0;
  H = (a1 * b1 + carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64 → H:L. */
export function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  L = lo >>> 0;
  H = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** rotate-left (h:l) by r (0 < r < 32) → H:L. */
export function rotl(h: number, l: number, r: number): void {
  H = ((h << r) | (l >>> (32 - r))) >>> 0;
  L = ((l << r) | (h >>> (32 - r))) >>> 0;
}
