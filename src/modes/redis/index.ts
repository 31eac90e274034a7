import { poolKeyLocator } from '../../upstream/key-locator.ts';
import type { ModeDefinition } from '../mode.ts';
import type { RedisConfig } from './schema.ts';

export const redisMode: ModeDefinition<RedisConfig> = {
  name: 'redis',
  keyLocator: (config) => poolKeyLocator(config),
  schema: async () => (await import('./schema.ts')).redisSchema as never,
  create: async (config, context) => (await import('./redis-proxy.ts')).createRedisProxy(config, context),
};
