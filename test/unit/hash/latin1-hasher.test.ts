/** Latin1Hasher: a key held as a latin1 string hashes as its bytes do, whatever its length; the empty key is 0. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HASH_NAMES, hashFunction, Latin1Hasher } from '../../../src/hash/index.ts';

test('every key hash, on keys shorter and longer than the reused buffer, and after a long key on short ones again', () => {
  const keys = ['a', '/item/42?v=7', 'caf\u00e9 \u00ff\u0000', 'x'.repeat(1024), 'y'.repeat(1025), `/${'z'.repeat(70_000)}`, 'short again'];
  for (const name of HASH_NAMES) {
    const keyHash = hashFunction(name);
    const hasher = new Latin1Hasher(keyHash);
    for (const key of keys) {
      const bytes = Buffer.from(key, 'latin1');
      assert.equal(hasher.hash(key), keyHash(bytes, 0, bytes.length), `${name} of a ${key.length}-char key`);
    }
    assert.equal(hasher.hash(''), 0, `${name} of the empty key`);
  }
});
