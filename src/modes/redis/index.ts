import { poolKeyLocator } from '../../upstream/key-locator.ts';
import type { ModeDefinition } from '../mode.ts';
import type { RedisConfig } from './schema.ts';

export const redisMode: ModeDefinition<RedisConfig> = {
  name: 'redis',
  keyLocator: (config) => poolKeyLocator(config),
  schema: async () => (await import('./schema.ts')).redisSchema as never,
  create: async (config, context) => new (await import('./proxy.ts')).RedisProxy(config, context),
};
