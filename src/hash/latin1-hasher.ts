import type { KeyHash } from './functions/index.ts';

/**
 * Hashes keys held as latin1 strings (one char per byte, as node hands over
 * request targets and header values) through a reused buffer, so an HTTP
 * mode hashes a URL or a cookie with no allocation per request. The empty
 * key hashes to 0, as the routers (and nginx's CRC-32 of nothing) do.
 */
export class Latin1Hasher {
  private readonly keyHash: KeyHash;
  private scratch = Buffer.allocUnsafe(1024);

  constructor(keyHash: KeyHash) {
    this.keyHash = keyHash;
  }

  hash(key: string): number {
    const length = key.length;
    if (length === 0) return 0;
    if (length > this.scratch.length) this.scratch = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(length)));
    this.scratch.write(key, 0, length, 'latin1');
    return this.keyHash(this.scratch, 0, length);
  }
}
