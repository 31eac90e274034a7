import type { ModeDefinition } from '../mode.ts';
import { scatterGatherSchema, type ScatterGatherConfig } from './config.ts';

export const scatterGatherMode: ModeDefinition<ScatterGatherConfig> = {
  name: 'scatter-gather',
  schema: scatterGatherSchema,
  create: async (config, context) => new (await import('./root.ts')).ScatterGatherRoot(config, context),
};
