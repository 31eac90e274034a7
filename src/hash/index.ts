export { HASH_NAMES, hashFunction, isHashName, type HashName, type KeyHash } from './functions/index.ts';
