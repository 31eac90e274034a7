// The small byte-at-a-time hashes of twemproxy: one_at_a_time, hsieh,
// murmur (and nginx's murmur2), jenkins (lookup3). See the JS twins in
// src/hash/functions/ for the quirks each keeps.

export function one_at_a_time(p: usize, len: usize): u32 {
  let h: u32 = 0;
  for (let end = p + len; p < end; p++) {
    h += <u32>load<i8>(p);
    h += h << 10;
    h ^= h >>> 6;
  }
  h += h << 3;
  h ^= h >>> 11;
  h += h << 15;
  return h;
}

export function hsieh(p: usize, len: usize): u32 {
  if (len == 0) return 0;
  let h: u32 = 0;
  for (let blocks = len >>> 2; blocks > 0; blocks--, p += 4) {
    h += <u32>load<u16>(p);
    const tmp = (<u32>load<u16>(p, 2) << 11) ^ h;
    h = (h << 16) ^ tmp;
    h += h >>> 11;
  }
  const rem = len & 3;
  if (rem == 3) {
    h += <u32>load<u16>(p);
    h ^= h << 16;
    h ^= <u32>load<i8>(p, 2) << 18;
    h += h >>> 11;
  } else if (rem == 2) {
    h += <u32>load<u16>(p);
    h ^= h << 11;
    h += h >>> 17;
  } else if (rem == 1) {
    h += <u32>load<u8>(p);
    h ^= h << 10;
    h += h >>> 1;
  }
  h ^= h << 3;
  h += h >>> 5;
  h ^= h << 4;
  h += h >>> 17;
  h ^= h << 25;
  h += h >>> 6;
  return h;
}

const M: u32 = 0x5bd1e995;

// @ts-ignore: decorator
@inline function murmurHash2(p: usize, len: usize, seed: u32): u32 {
  let h = seed ^ <u32>len;
  for (; len >= 4; len -= 4, p += 4) {
    let k = load<u32>(p);
    k *= M;
    k ^= k >>> 24;
    k *= M;
    h = (h * M) ^ k;
  }
  if (len > 0) {
    if (len == 3) h ^= <u32>load<u8>(p, 2) << 16;
    if (len >= 2) h ^= <u32>load<u8>(p, 1) << 8;
    h = (h ^ <u32>load<u8>(p)) * M;
  }
  h ^= h >>> 13;
  h *= M;
  h ^= h >>> 15;
  return h;
}

export function murmur(p: usize, len: usize): u32 {
  return murmurHash2(p, len, 0xdeadbeef * <u32>len);
}

export function murmur2_nginx(p: usize, len: usize): u32 {
  return murmurHash2(p, len, 0);
}

/** The last n (0..4) bytes of a block, little-endian. */
// @ts-ignore: decorator
@inline function tail32(p: usize, n: usize): u32 {
  let v: u32 = 0;
  for (let i = <isize>n - 1; i >= 0; i--) v = (v << 8) | <u32>load<u8>(p + <usize>i);
  return v;
}

export function jenkins(p: usize, len: usize): u32 {
  let a: u32 = 0xdeadbeef + <u32>len + 13;
  let b = a;
  let c = a;
  for (; len > 12; len -= 12, p += 12) {
    a += load<u32>(p);
    b += load<u32>(p, 4);
    c += load<u32>(p, 8);
    a -= c; a ^= rotl(c, 4); c += b;
    b -= a; b ^= rotl(a, 6); a += c;
    c -= b; c ^= rotl(b, 8); b += a;
    a -= c; a ^= rotl(c, 16); c += b;
    b -= a; b ^= rotl(a, 19); a += c;
    c -= b; c ^= rotl(b, 4); b += a;
  }
  if (len == 0) return c;
  a += tail32(p, min(len, 4));
  if (len > 4) b += tail32(p + 4, min(len - 4, 4));
  if (len > 8) c += tail32(p + 8, len - 8);
  c ^= b; c -= rotl(b, 14);
  a ^= c; a -= rotl(c, 11);
  b ^= a; b -= rotl(a, 25);
  c ^= b; c -= rotl(b, 16);
  a ^= c; a -= rotl(c, 4);
  b ^= a; b -= rotl(a, 14);
  c ^= b; c -= rotl(b, 24);
  return c;
}
