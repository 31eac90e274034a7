// CRC tables, generated from the polynomials when the module starts
// (same tables as twemproxy's and nginx's; the test vectors prove it).
const CRC32_TABLE = memory.data(256 * 4);
const CRC16_TABLE = memory.data(256 * 4);

for (let n: u32 = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  store<u32>(CRC32_TABLE + (<usize>n << 2), c);
  let d = n << 8;
  for (let k = 0; k < 8; k++) d = d & 0x8000 ? (d << 1) ^ 0x1021 : d << 1;
  store<u32>(CRC16_TABLE + (<usize>n << 2), d & 0xffff);
}

// @ts-ignore: decorator
@inline function crc32Raw(p: usize, len: usize): u32 {
  let c: u32 = 0xffffffff;
  for (let end = p + len; p < end; p++) {
    c = load<u32>(CRC32_TABLE + (<usize>((c ^ <u32>load<u8>(p)) & 0xff) << 2)) ^ (c >>> 8);
  }
  return c;
}

/** Standard CRC-32 (twemproxy crc32a, nginx ngx_crc32_long). */
export function crc32a(p: usize, len: usize): u32 {
  return ~crc32Raw(p, len);
}

/** twemproxy crc32: bits 16..30 of the CRC. */
export function crc32(p: usize, len: usize): u32 {
  return (~crc32Raw(p, len) >>> 16) & 0x7fff;
}

/** twemproxy crc16: CRC-16/XMODEM with an unmasked uint32 accumulator. */
export function crc16(p: usize, len: usize): u32 {
  let c: u32 = 0;
  for (let end = p + len; p < end; p++) {
    c = (c << 8) ^ load<u32>(CRC16_TABLE + (<usize>(((c >>> 8) ^ <u32>load<u8>(p)) & 0xff) << 2));
  }
  return c;
}
