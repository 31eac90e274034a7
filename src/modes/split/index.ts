import type { ModeDefinition } from '../mode.ts';
import type { SplitConfig } from './schema.ts';

export const splitMode: ModeDefinition<SplitConfig> = {
  name: 'split',
  schema: async () => (await import('./schema.ts')).splitSchema,
  create: async (config, context) => new (await import('./split.ts')).Split(config, context),
};
