// Bob Jenkins' lookup3 `hashlittle` with initval 13, as twemproxy has it.
// twemproxy picks aligned word reads, aligned half-word reads or byte reads
// by the key's address; all three read little-endian and mask the tail the
// same way, so the byte-wise form below gives the same value for every key.

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function le32(buf: Uint8Array, p: number): number {
  return buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
}

/** The last 0..4 bytes of a 12-byte block, little-endian (what `k[i] & 0xffffff` etc. keep). */
function tail32(buf: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = (v << 8) | buf[p + i];
  return v;
}

/** twemproxy's `jenkins`. */
export function jenkins(buf: Uint8Array, start: number, end: number): number {
  return lookup3(buf, start, end, 13);
}

/** lookup3 `hashlittle(key, length, initval)`. */
export function lookup3(buf: Uint8Array, start: number, end: number, initval: number): number {
  let length = end - start;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let p = start;
  while (length > 12) {
    a = (a + le32(buf, p)) | 0;
    b = (b + le32(buf, p + 4)) | 0;
    c = (c + le32(buf, p + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    length -= 12;
    p += 12;
  }
  if (length === 0) return c >>> 0; // lookup3 skips the final mix for an empty tail
  a = (a + tail32(buf, p, Math.min(length, 4))) | 0;
  if (length > 4) b = (b + tail32(buf, p + 4, Math.min(length - 4, 4))) | 0;
  if (length > 8) c = (c + tail32(buf, p + 8, length - 8)) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
