// CRC variants of twemproxy (nc_crc16.c, nc_crc32.c) and nginx (ngx_crc32.h).
// Tables are generated from the polynomials instead of being written out:
// they equal the published tables entry for entry (the test vectors prove it).

/** Reflected CRC-32 (IEEE 802.3, polynomial 0xEDB88320), as zlib, nginx and twemproxy use. */
const CRC32_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** MSB-first CRC-16 with polynomial 0x1021 (XMODEM), twemproxy's crc16tab. */
const CRC16_TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
    t[n] = c & 0xffff;
  }
  return t;
})();

/**
 * Feeds bytes into a running (pre-inverted) CRC-32 state, like nginx's
 * ngx_crc32_update: nginx builds its consistent-hash points by feeding the
 * server name and then the previous point into a saved state.
 */
export function crc32Update(state: number, buf: Uint8Array, start: number, end: number): number {
  let c = state;
  for (let i = start; i < end; i++) c = CRC32_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

/** Standard CRC-32: twemproxy's `crc32a`, nginx's ngx_crc32_long (the `hash … consistent` key hash). */
export function crc32a(buf: Uint8Array, start: number, end: number): number {
  return (crc32Update(0xffffffff, buf, start, end) ^ 0xffffffff) >>> 0;
}

/**
 * twemproxy's `crc32`: the libmemcached flavour, which keeps only bits 16..30
 * of the CRC — a 15-bit hash. (Its signed-char widening is masked away by `& 0xff`.)
 */
export function crc32(buf: Uint8Array, start: number, end: number): number {
  return (~crc32Update(0xffffffff, buf, start, end) >>> 16) & 0x7fff;
}

/**
 * twemproxy's `crc16`: CRC-16/XMODEM, except that the running value is a
 * uint32_t that is never masked, so bits shifted out of the low 16 keep
 * accumulating above them. The low 16 bits are the true CRC-16; the whole
 * 32-bit value is what twemproxy hashes keys with.
 */
export function crc16(buf: Uint8Array, start: number, end: number): number {
  let c = 0;
  for (let i = start; i < end; i++) c = (c << 8) ^ CRC16_TABLE[((c >>> 8) ^ buf[i]) & 0xff];
  return c >>> 0;
}
