// twemproxy's FNV variants; see src/hash/functions/fnv.ts for why the _64
// ones are 32-bit FNV with truncated constants. Bytes widen as signed chars.
const FNV64_INIT_LOW: u32 = 0x84222325;
const FNV64_PRIME_LOW: u32 = 0x000001b3;
const FNV32_INIT: u32 = 0x811c9dc5;
const FNV32_PRIME: u32 = 0x01000193;

// @ts-ignore: decorator
@inline function fnv1(init: u32, prime: u32, p: usize, len: usize): u32 {
  let h = init;
  for (let end = p + len; p < end; p++) h = (h * prime) ^ <u32>load<i8>(p);
  return h;
}

// @ts-ignore: decorator
@inline function fnv1a(init: u32, prime: u32, p: usize, len: usize): u32 {
  let h = init;
  for (let end = p + len; p < end; p++) h = (h ^ <u32>load<i8>(p)) * prime;
  return h;
}

export function fnv1_64(p: usize, len: usize): u32 { return fnv1(FNV64_INIT_LOW, FNV64_PRIME_LOW, p, len); }
export function fnv1a_64(p: usize, len: usize): u32 { return fnv1a(FNV64_INIT_LOW, FNV64_PRIME_LOW, p, len); }
export function fnv1_32(p: usize, len: usize): u32 { return fnv1(FNV32_INIT, FNV32_PRIME, p, len); }
export function fnv1a_32(p: usize, len: usize): u32 { return fnv1a(FNV32_INIT, FNV32_PRIME, p, len); }
