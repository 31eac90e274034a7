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
