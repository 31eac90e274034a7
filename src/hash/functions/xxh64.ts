// XXH64 (xxHash, Yann Collet), seed 0, in 32-bit halves: BigInt allocates and
// is several times slower, and this is the JS fallback of a hot-path hash.
// As a routing hash padda uses the low 32 bits of the 64-bit value.

import { add, H, L, mul, rotl } from './u64.ts';

// Constants as [high, low] halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

function le32(buf: Uint8Array, p: number): number {
  return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
}

/** round(acc, lane) = rotl(acc + lane × P2, 31) × P1 → H:L. */
function round(ah: number, al: number, kh: number, kl: number): void {
  mul(kh, kl, P2H, P2L);
  add(ah, al, H, L);
  rotl(H, L, 31);
  mul(H, L, P1H, P1L);
}

/** mergeRound(acc, v) = (acc ^ round(0, v)) × P1 + P4 → H:L. */
function mergeRound(ah: number, al: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((ah ^ H) >>> 0, (al ^ L) >>> 0, P1H, P1L);
  add(H, L, P4H, P4L);
}

/** XXH64 of buf[start..end) as [high, low] uint32 halves (tests compare both halves). */
export function xxh64Parts(buf: Uint8Array, start: number, end: number, out: Uint32Array = new Uint32Array(2)): Uint32Array {
  const len = end - start;
  let p = start;
  let hh: number, hl: number;
  if (len >= 32) {
    add(P1H, P1L, P2H, P2L);
    let v1h = H, v1l = L;
    let v2h = P2H, v2l = P2L;
    let v3h = 0, v3l = 0;
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1); // v4 = 0 - P1, two's complement
    let v4h = H, v4l = L;
    for (; end - p >= 32; p += 32) {
      round(v1h, v1l, le32(buf, p + 4), le32(buf, p)); v1h = H; v1l = L;
      round(v2h, v2l, le32(buf, p + 12), le32(buf, p + 8)); v2h = H; v2l = L;
      round(v3h, v3l, le32(buf, p + 20), le32(buf, p + 16)); v3h = H; v3l = L;
      round(v4h, v4l, le32(buf, p + 28), le32(buf, p + 24)); v4h = H; v4l = L;
    }
    rotl(v1h, v1l, 1); hh = H; hl = L;
    rotl(v2h, v2l, 7); add(hh, hl, H, L); hh = H; hl = L;
    rotl(v3h, v3l, 12); add(hh, hl, H, L); hh = H; hl = L;
    rotl(v4h, v4l, 18); add(hh, hl, H, L); hh = H; hl = L;
    mergeRound(hh, hl, v1h, v1l);
    mergeRound(H, L, v2h, v2l);
    mergeRound(H, L, v3h, v3l);
    mergeRound(H, L, v4h, v4l);
    hh = H; hl = L;
  } else {
    hh = P5H; hl = P5L;
  }
  add(hh, hl, 0, len); hh = H; hl = L;
  for (; end - p >= 8; p += 8) {
    round(0, 0, le32(buf, p + 4), le32(buf, p));
    rotl((hh ^ H) >>> 0, (hl ^ L) >>> 0, 27);
    mul(H, L, P1H, P1L);
    add(H, L, P4H, P4L); hh = H; hl = L;
  }
  if (end - p >= 4) {
    mul(0, le32(buf, p), P1H, P1L);
    rotl((hh ^ H) >>> 0, (hl ^ L) >>> 0, 23);
    mul(H, L, P2H, P2L);
    add(H, L, P3H, P3L); hh = H; hl = L;
    p += 4;
  }
  for (; p < end; p++) {
    mul(0, buf[p], P5H, P5L);
    rotl((hh ^ H) >>> 0, (hl ^ L) >>> 0, 11);
    mul(H, L, P1H, P1L); hh = H; hl = L;
  }
  // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
  hl = (hl ^ (hh >>> 1)) >>> 0;
  mul(hh, hl, P2H, P2L); hh = H; hl = L;
  hl = (hl ^ ((hh << 3) | (hl >>> 29))) >>> 0;
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L); hh = H; hl = L;
  hl = (hl ^ hh) >>> 0;
  out[0] = hh;
  out[1] = hl;
  return out;
}

const parts = new Uint32Array(2);

/** The low 32 bits of XXH64(key), padda's routing hash named `xxh64`. */
export function xxh64(buf: Uint8Array, start: number, end: number): number {
  xxh64Parts(buf, start, end, parts);
  return parts[1];
}
