import { signedByte } from './types.ts';

// twemproxy's four FNV variants (src/hashkit/nc_fnv.c). All widen bytes as
// signed chars. The `_64` ones return the low 32 bits of a 64-bit FNV; since
// the low half of a 64-bit product and xor depends only on the low halves of
// the operands, they equal a 32-bit FNV with the 64-bit offset basis and
// prime truncated to 32 bits (0x84222325, 0x1b3) — which is also literally
// how twemproxy computes fnv1a_64.
const FNV64_INIT_LOW = 0x84222325;
const FNV64_PRIME_LOW = 0x000001b3;
const FNV32_INIT = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

function fnv1(init: number, prime: number, buf: Uint8Array, start: number, end: number): number {
  let h = init | 0;
  for (let i = start; i < end; i++) h = Math.imul(h, prime) ^ signedByte(buf[i]);
  return h >>> 0;
}

function fnv1a(init: number, prime: number, buf: Uint8Array, start: number, end: number): number {
  let h = init | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ signedByte(buf[i]), prime);
  return h >>> 0;
}

export function fnv1_64(buf: Uint8Array, start: number, end: number): number {
  return fnv1(FNV64_INIT_LOW, FNV64_PRIME_LOW, buf, start, end);
}

export function fnv1a_64(buf: Uint8Array, start: number, end: number): number {
  return fnv1a(FNV64_INIT_LOW, FNV64_PRIME_LOW, buf, start, end);
}

export function fnv1_32(buf: Uint8Array, start: number, end: number): number {
  return fnv1(FNV32_INIT, FNV32_PRIME, buf, start, end);
}

export function fnv1a_32(buf: Uint8Array, start: number, end: number): number {
  return fnv1a(FNV32_INIT, FNV32_PRIME, buf, start, end);
}
