// RFC 1321 MD5, returning the digest as four little-endian 32-bit words
// (word i = digest bytes 4i..4i+3), which is exactly how twemproxy reads it:
// `md5` is word 0, and ketama takes all four words as four continuum points.
// node:crypto would be faster for one-off digests but allocates per call
// and cannot hash a sub-range of a buffer in place; this runs on the hot path.

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

const block = new Int32Array(16);
const tail = new Uint8Array(128);
const state = new Int32Array(4);

function compress(): void {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const s = S[((i >>> 4) << 2) | (i & 3)];
    const x = (a + f + K[i] + block[g]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
}

function loadBlock(bytes: Uint8Array, p: number): void {
  for (let i = 0; i < 16; i++, p += 4) {
    block[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
  }
}

/** Writes MD5(buf[start..end)) into `out` as four uint32 words and returns `out`. */
export function md5Words(buf: Uint8Array, start: number, end: number, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  const len = end - start;
  let p = start;
  for (; end - p >= 64; p += 64) {
    loadBlock(buf, p);
    compress();
  }
  const rest = end - p;
  tail.fill(0);
  tail.set(buf.subarray(p, end));
  tail[rest] = 0x80;
  const tailLen = rest < 56 ? 64 : 128;
  // Bit length, little-endian, in the last 8 bytes (keys are far below 2^53 bits).
  const bits = len * 8;
  for (let i = 0; i < 4; i++) tail[tailLen - 8 + i] = (bits >>> (8 * i)) & 0xff;
  const high = Math.floor(bits / 2 ** 32);
  for (let i = 0; i < 4; i++) tail[tailLen - 4 + i] = (high >>> (8 * i)) & 0xff;
  for (let q = 0; q < tailLen; q += 64) {
    loadBlock(tail, q);
    compress();
  }
  for (let i = 0; i < 4; i++) out[i] = state[i] >>> 0;
  return out;
}

const words = new Uint32Array(4);

/** twemproxy's `md5`: the first four digest bytes as a little-endian uint32. */
export function md5(buf: Uint8Array, start: number, end: number): number {
  return md5Words(buf, start, end, words)[0];
}
