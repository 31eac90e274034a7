import type { ModeDefinition } from '../mode.ts';
import { splitSchema, type SplitConfig } from './schema.ts';

export const splitMode: ModeDefinition<SplitConfig> = {
  name: 'split',
  schema: splitSchema,
  create: async (config, context) => new (await import('./split.ts')).Split(config, context),
};
