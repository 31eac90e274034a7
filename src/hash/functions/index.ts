import { crc16, crc32, crc32a } from './crc.ts';
import { fnv1_32, fnv1_64, fnv1a_32, fnv1a_64 } from './fnv.ts';
import { hsieh } from './hsieh.ts';
import { jenkins } from './jenkins.ts';
import { md5 } from './md5.ts';
import { murmur, murmur2_nginx } from './murmur.ts';
import { one_at_a_time } from './one-at-a-time.ts';
import type { KeyHash } from './types.ts';
import { xxh32 } from './xxh32.ts';
import { xxh64 } from './xxh64.ts';

export type { KeyHash } from './types.ts';

/**
 * Every key hash padda knows, by the name configs use. The order is fixed:
 * a name's position is its id in the WASM core (wasm/assembly/index.ts).
 * - twemproxy's twelve, bit-exact with nutcracker on x86-64;
 * - `murmur2_nginx`: nginx's ngx_murmur_hash2 (split_clients);
 *   nginx's `hash … consistent` key hash is CRC-32, i.e. `crc32a`;
 * - `xxh32`, `xxh64` (low 32 bits): for padda-native configs.
 */
export const HASH_NAMES = [
  'one_at_a_time', 'md5', 'crc16', 'crc32', 'crc32a', 'fnv1_64', 'fnv1a_64', 'fnv1_32', 'fnv1a_32',
  'hsieh', 'murmur', 'jenkins', 'murmur2_nginx', 'xxh32', 'xxh64',
] as const;

export type HashName = (typeof HASH_NAMES)[number];

const FUNCTIONS: Record<HashName, KeyHash> = {
  one_at_a_time, md5, crc16, crc32, crc32a, fnv1_64, fnv1a_64, fnv1_32, fnv1a_32,
  hsieh, murmur, jenkins, murmur2_nginx, xxh32, xxh64,
};

function isHashName(name: string): name is HashName {
  return Object.hasOwn(FUNCTIONS, name);
}

/** The pure-JS implementation of a named hash; throws on an unknown name, listing the known ones. */
export function hashFunction(name: string): KeyHash {
  if (!isHashName(name)) throw new RangeError(`unknown hash "${name}"; known: ${HASH_NAMES.join(', ')}`);
  return FUNCTIONS[name];
}

/** The WASM core's id for a hash (its position in HASH_NAMES). */
export function hashId(name: HashName): number {
  return HASH_NAMES.indexOf(name);
}
