import { Latin1Hasher, NO_SERVER } from '../../hash/index.ts';
import type { ModeDefinition } from '../mode.ts';
import type { ShardRouterConfig } from './schema.ts';
import { shardPlacement } from './placement.ts';

export const shardRouterMode: ModeDefinition<ShardRouterConfig> = {
  name: 'shard-router',
  schema: async () => (await import('./schema.ts')).shardRouterSchema,
  create: async (config, context) => new (await import('./shard-router.ts')).ShardRouter(config, context),
  // `padda route --listener NAME KEY`: the shard that owns an evaluated key (e.g. a URI) with every shard up.
  keyLocator(config) {
    const { distribution, keyHash } = shardPlacement(config);
    const hasher = new Latin1Hasher(keyHash);
    return (key) => {
      const shard = distribution.pick(hasher.hash(Buffer.from(key).toString('latin1')));
      return shard === NO_SERVER ? '-' : config.shards[shard]!.name;
    };
  },
};
