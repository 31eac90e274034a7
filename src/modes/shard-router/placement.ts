import { buildDistribution, hashFunction, type Distribution, type KeyHash } from '../../hash/index.ts';
import type { ShardRouterConfig } from './schema.ts';

/** Where keys go with every shard up: the distribution over the shards' names and weights, and the key hash. */
export interface Placement {
  distribution: Distribution;
  keyHash: KeyHash;
}

export function shardPlacement(config: Pick<ShardRouterConfig, 'shards' | 'distribution' | 'hash'>): Placement {
  return {
    distribution: buildDistribution(config.distribution, config.shards.map((s) => ({ name: s.name, weight: s.weight }))),
    // nginx's `hash … consistent` hashes the key with CRC-32; other rings get a fast well-mixed hash.
    keyHash: hashFunction(config.hash ?? (config.distribution === 'ketama_nginx' ? 'crc32a' : 'xxh32')),
  };
}

/**
 * Hashes key strings (latin1: one char per byte, as node hands over URLs and
 * headers) through a reused buffer, so routing allocates nothing per request.
 * The empty key hashes to 0, as nginx's CRC-32 of nothing does.
 */
export class KeyHasher {
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
