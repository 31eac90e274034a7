import { poolKeyLocator } from '../../upstream/key-locator.ts';
import type { ModeDefinition } from '../mode.ts';
import { RedisProxy } from './proxy.ts';
import { redisSchema, type RedisConfig } from './schema.ts';

export const redisMode: ModeDefinition<RedisConfig> = {
  name: 'redis',
  keyLocator: (config) => poolKeyLocator(config),
  schema: redisSchema as never,
  create: (config, context) => new RedisProxy(config, context),
};
