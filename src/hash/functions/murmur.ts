// MurmurHash2 (Austin Appleby), in the two seedings padda must match.
const M = 0x5bd1e995;

/** MurmurHash2 with the given seed (initial state seed ^ length). */
export function murmurHash2(buf: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed ^ (end - start);
  let p = start;
  for (; end - p >= 4; p += 4) {
    let k = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = end - p;
  if (rest > 0) {
    if (rest === 3) h ^= buf[p + 2] << 16;
    if (rest >= 2) h ^= buf[p + 1] << 8;
    h = Math.imul(h ^ buf[p], M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}

/** twemproxy's `murmur`: seed = 0xdeadbeef × length, initial state seed ^ length. */
export function murmur(buf: Uint8Array, start: number, end: number): number {
  return murmurHash2(buf, start, end, Math.imul(0xdeadbeef, end - start));
}

/** nginx's ngx_murmur_hash2 (split_clients): seed 0, initial state = length. */
export function murmur2_nginx(buf: Uint8Array, start: number, end: number): number {
  return murmurHash2(buf, start, end, 0);
}
