import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import xxhash from 'xxhash-wasm';
import { HASH_NAMES, hashFunction } from '../../../src/hash/index.ts';
import { crc16 } from '../../../src/hash/functions/crc.ts';
import { lookup3 } from '../../../src/hash/functions/jenkins.ts';
import { md5Words } from '../../../src/hash/functions/md5.ts';
import { murmurHash2 } from '../../../src/hash/functions/murmur.ts';
import { xxh64Parts } from '../../../src/hash/functions/xxh64.ts';
import { bytes, CHECK, MD5_SUITE, VECTORS } from './vectors.ts';

function hex(words: Uint32Array): string {
  return Buffer.from(words.buffer, words.byteOffset, 16).toString('hex');
}

describe('JS key hashes', () => {
  it('match published test vectors', () => {
    for (const { hash, key, value } of VECTORS) {
      const b = bytes(key);
      assert.equal(hashFunction(hash)(b, 0, b.length), value, `${hash}(${JSON.stringify(key)})`);
    }
  });

  it('crc16 keeps CRC-16/XMODEM in its low 16 bits (0x31C3 for "123456789")', () => {
    const b = bytes(CHECK);
    assert.equal(crc16(b, 0, b.length) & 0xffff, 0x31c3);
  });

  it('md5 matches RFC 1321 and node:crypto, also across block boundaries', () => {
    for (const [key, digest] of MD5_SUITE) {
      const b = bytes(key);
      assert.equal(hex(md5Words(b, 0, b.length)), digest, key);
    }
    const big = new Uint8Array(300).map((_, i) => (i * 131 + 7) & 0xff);
    for (let len = 0; len <= 300; len++) {
      const want = createHash('md5').update(big.subarray(5, 5 + Math.min(len, 295))).digest('hex');
      assert.equal(hex(md5Words(big, 5, 5 + Math.min(len, 295))), want, `len ${len}`);
    }
  });

  it('lookup3 matches lookup3.c\'s driver values', () => {
    const b = bytes('Four score and seven years ago');
    assert.equal(lookup3(b, 0, 0, 0), 0xdeadbeef);
    assert.equal(lookup3(b, 0, b.length, 0), 0x17770551);
    assert.equal(lookup3(b, 0, b.length, 1), 0xcd628161);
  });

  it('MurmurHash2 passes SMHasher\'s verification (0x27864C1E)', () => {
    const key = new Uint8Array(256);
    const hashes = new Uint8Array(1024);
    const view = new DataView(hashes.buffer);
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      view.setUint32(i * 4, murmurHash2(key, 0, i, 256 - i), true);
    }
    assert.equal(murmurHash2(hashes, 0, 1024, 0), 0x27864c1e);
  });

  it('xxh32 and xxh64 agree with xxhash-wasm on every length 0..300', async () => {
    const oracle = await xxhash();
    const xxh32 = hashFunction('xxh32');
    const buf = new Uint8Array(300).map((_, i) => (i * 197 + 3) & 0xff);
    for (let len = 0; len <= 300; len++) {
      const key = buf.subarray(0, len);
      assert.equal(xxh32(buf, 0, len), oracle.h32Raw(key, 0), `xxh32 len ${len}`);
      const [hi, lo] = xxh64Parts(buf, 0, len);
      assert.equal((BigInt(hi) << 32n) | BigInt(lo), oracle.h64Raw(key, 0n), `xxh64 len ${len}`);
    }
  });

  it('hash the range [start, end) only, whatever surrounds it', () => {
    const key = bytes('user:1000');
    const framed = bytes('$9\r\nuser:1000\r\n');
    for (const name of HASH_NAMES) {
      const f = hashFunction(name);
      assert.equal(f(framed, 4, 13), f(key, 0, key.length), name);
    }
  });

  it('return uint32 for empty, 1-byte, high-bit and 64 KiB keys', () => {
    const huge = new Uint8Array(65536).fill(0xff);
    for (const name of HASH_NAMES) {
      const f = hashFunction(name);
      for (const [b, s, e] of [[huge, 0, 0], [huge, 7, 8], [huge, 0, 3], [huge, 0, huge.length]] as const) {
        const v = f(b, s, e);
        assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, `${name} len ${e - s}: ${v}`);
      }
    }
  });

  it('rejects unknown hash names, listing the known ones', () => {
    assert.throws(() => hashFunction('sha1'), /unknown hash "sha1"; known: one_at_a_time, md5/);
    assert.throws(() => hashFunction('toString'), /unknown hash/);
  });
});
