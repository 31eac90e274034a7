import { poolKeyLocator } from '../../upstream/key-locator.ts';
import type { ModeDefinition } from '../mode.ts';
import type { MemcacheConfig } from './schema.ts';

export const memcacheMode: ModeDefinition<MemcacheConfig> = {
  name: 'memcache',
  keyLocator: (config) => poolKeyLocator(config),
  schema: async () => (await import('./schema.ts')).memcacheSchema as never,
  create: async (config, context) => (await import('./memcache-proxy.ts')).createMemcacheProxy(config, context),
};
