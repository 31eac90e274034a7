// padda's WASM hash core. JS (src/hash/wasm.ts) owns the memory above
// heapBase(): it copies keys, spans and lookup tables in, calls one export
// per batch, and reads the answers out. No allocator, no imports.
import { crc16, crc32, crc32a } from './crc';
import { fnv1_32, fnv1_64, fnv1a_32, fnv1a_64 } from './fnv';
import { md5 } from './md5';
import { continuum, jump, KIND_CONTINUUM, KIND_FIXED, KIND_JUMP, KIND_RENDEZVOUS, KIND_SLOTS, rendezvous } from './route';
import { hsieh, jenkins, murmur, murmur2_nginx, one_at_a_time } from './small';
import { xxh32, xxh64 } from './xxhash';

export { xxh64Full } from './xxhash';
export { jump, lnUnit } from './route';

export function heapBase(): usize {
  return __heap_base;
}

/** Hash ids are positions in HASH_NAMES (src/hash/functions/index.ts). */
export function hash(id: i32, p: usize, len: usize): u32 {
  switch (id) {
    case 0: return one_at_a_time(p, len);
    case 1: return md5(p, len);
    case 2: return crc16(p, len);
    case 3: return crc32(p, len);
    case 4: return crc32a(p, len);
    case 5: return fnv1_64(p, len);
    case 6: return fnv1a_64(p, len);
    case 7: return fnv1_32(p, len);
    case 8: return fnv1a_32(p, len);
    case 9: return hsieh(p, len);
    case 10: return murmur(p, len);
    case 11: return jenkins(p, len);
    case 12: return murmur2_nginx(p, len);
    case 13: return xxh32(p, len);
    case 14: return xxh64(p, len);
    default: return 0;
  }
}

/** Hashes count keys; key i is [base + spans[2i], base + spans[2i+1]). */
export function hashBatch(id: i32, base: usize, spans: usize, count: i32, out: usize): void {
  for (let i = 0; i < count; i++, spans += 8, out += 4) {
    const start = base + <usize>load<u32>(spans);
    store<u32>(out, hash(id, start, base + <usize>load<u32>(spans, 4) - start));
  }
}

// The router's configuration: set once per table by configure(), then used by
// every routeBatch() call, so a batch call carries only the batch.
let hashId: i32 = 0;
let tagOpen: i32 = -1;
let tagClose: i32 = -1;
let kind: i32 = KIND_FIXED;
let n: u32 = 0;
let points: usize = 0;
let owners: usize = 0;
let weights: usize = 0;

export function configure(
  hash_: i32, tagOpen_: i32, tagClose_: i32, kind_: i32, n_: u32, points_: usize, owners_: usize, weights_: usize,
): void {
  hashId = hash_; tagOpen = tagOpen_; tagClose = tagClose_; kind = kind_;
  n = n_; points = points_; owners = owners_; weights = weights_;
}

/** Server index for the key [start, end): twemproxy's hash tag, empty key → hash 0, then the table. */
export function routeOne(start: usize, end: usize): i32 {
  if (kind == KIND_FIXED) return load<i32>(owners);
  if (tagOpen >= 0) {
    for (let p = start; p < end; p++) {
      if (<i32>load<u8>(p) == tagOpen) {
        for (let q = p + 1; q < end; q++) {
          if (<i32>load<u8>(q) == tagClose) {
            if (q - p > 1) { start = p + 1; end = q; }
            break;
          }
        }
        break;
      }
    }
  }
  const h: u32 = end > start ? hash(hashId, start, end - start) : 0;
  switch (kind) {
    case KIND_CONTINUUM: return continuum(points, owners, n, h);
    case KIND_SLOTS: return load<i32>(owners + (<usize>(h % n) << 2));
    case KIND_JUMP: return load<i32>(owners + (<usize>jump(h, n) << 2));
    case KIND_RENDEZVOUS: return rendezvous(points, weights, owners, n, h);
    default: return -1;
  }
}

/** Routes count keys (spans as in hashBatch) and writes one server index per key to out. */
export function routeBatch(base: usize, spans: usize, count: i32, out: usize): void {
  for (let i = 0; i < count; i++, spans += 8, out += 4) {
    store<i32>(out, routeOne(base + <usize>load<u32>(spans), base + <usize>load<u32>(spans, 4)));
  }
}
