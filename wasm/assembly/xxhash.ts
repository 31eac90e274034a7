// XXH32 and XXH64 (xxHash, Yann Collet), seed 0. `xxh64` answers the low
// 32 bits, padda's routing hash; xxh64Full is for the tests.
const P32_1: u32 = 0x9e3779b1;
const P32_2: u32 = 0x85ebca77;
const P32_3: u32 = 0xc2b2ae3d;
const P32_4: u32 = 0x27d4eb2f;
const P32_5: u32 = 0x165667b1;

// @ts-ignore: decorator
@inline function round32(acc: u32, lane: u32): u32 {
  return rotl(acc + lane * P32_2, 13) * P32_1;
}

export function xxh32(p: usize, len: usize): u32 {
  const end = p + len;
  let h: u32;
  if (len >= 16) {
    let v1: u32 = P32_1 + P32_2;
    let v2: u32 = P32_2;
    let v3: u32 = 0;
    let v4: u32 = 0 - P32_1;
    for (; end - p >= 16; p += 16) {
      v1 = round32(v1, load<u32>(p));
      v2 = round32(v2, load<u32>(p, 4));
      v3 = round32(v3, load<u32>(p, 8));
      v4 = round32(v4, load<u32>(p, 12));
    }
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
  } else {
    h = P32_5;
  }
  h += <u32>len;
  for (; end - p >= 4; p += 4) h = rotl(h + load<u32>(p) * P32_3, 17) * P32_4;
  for (; p < end; p++) h = rotl(h + <u32>load<u8>(p) * P32_5, 11) * P32_1;
  h ^= h >>> 15;
  h *= P32_2;
  h ^= h >>> 13;
  h *= P32_3;
  h ^= h >>> 16;
  return h;
}

const P64_1: u64 = 0x9e3779b185ebca87;
const P64_2: u64 = 0xc2b2ae3d27d4eb4f;
const P64_3: u64 = 0x165667b19e3779f9;
const P64_4: u64 = 0x85ebca77c2b2ae63;
const P64_5: u64 = 0x27d4eb2f165667c5;

// @ts-ignore: decorator
@inline function round64(acc: u64, lane: u64): u64 {
  return rotl(acc + lane * P64_2, 31) * P64_1;
}

// @ts-ignore: decorator
@inline function merge64(acc: u64, v: u64): u64 {
  return (acc ^ round64(0, v)) * P64_1 + P64_4;
}

export function xxh64Full(p: usize, len: usize): u64 {
  const end = p + len;
  let h: u64;
  if (len >= 32) {
    let v1: u64 = P64_1 + P64_2;
    let v2: u64 = P64_2;
    let v3: u64 = 0;
    let v4: u64 = 0 - P64_1;
    for (; end - p >= 32; p += 32) {
      v1 = round64(v1, load<u64>(p));
      v2 = round64(v2, load<u64>(p, 8));
      v3 = round64(v3, load<u64>(p, 16));
      v4 = round64(v4, load<u64>(p, 24));
    }
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = merge64(h, v1);
    h = merge64(h, v2);
    h = merge64(h, v3);
    h = merge64(h, v4);
  } else {
    h = P64_5;
  }
  h += <u64>len;
  for (; end - p >= 8; p += 8) h = rotl(h ^ round64(0, load<u64>(p)), 27) * P64_1 + P64_4;
  if (end - p >= 4) {
    h = rotl(h ^ (<u64>load<u32>(p) * P64_1), 23) * P64_2 + P64_3;
    p += 4;
  }
  for (; p < end; p++) h = rotl(h ^ (<u64>load<u8>(p) * P64_5), 11) * P64_1;
  h ^= h >>> 33;
  h *= P64_2;
  h ^= h >>> 29;
  h *= P64_3;
  h ^= h >>> 32;
  return h;
}

export function xxh64(p: usize, len: usize): u32 {
  return <u32>xxh64Full(p, len);
}
