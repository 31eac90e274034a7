import { poolKeyLocator } from '../../upstream/key-locator.ts';
import { keySlot } from './cluster/hash-slot.ts';
import type { ModeDefinition } from '../mode.ts';
import type { RedisConfig } from './schema.ts';

/** `padda route` for a cluster pool: the key's hash slot (which node holds it is the cluster's to say, and may change). */
function clusterKeyLocator(): (key: Uint8Array) => string {
  return (key) => `slot ${keySlot(key, 0, key.length)}`;
}

export const redisMode: ModeDefinition<RedisConfig> = {
  name: 'redis',
  keyLocator: (config) => (config.cluster !== undefined ? clusterKeyLocator() : poolKeyLocator({ ...config, servers: config.servers! })),
  schema: async () => (await import('./schema.ts')).redisSchema as never,
  create: async (config, context) => (await import('./redis-proxy.ts')).createRedisProxy(config, context),
};
