import { poolKeyLocator } from '../../upstream/key-locator.ts';
import type { ModeDefinition } from '../mode.ts';
import { MemcacheAmbassador } from './ambassador.ts';
import { memcacheSchema, type MemcacheConfig } from './schema.ts';

export const memcacheMode: ModeDefinition<MemcacheConfig> = {
  name: 'memcache',
  keyLocator: (config) => poolKeyLocator(config),
  schema: memcacheSchema as never,
  create: (config, context) => new MemcacheAmbassador(config, context),
};
