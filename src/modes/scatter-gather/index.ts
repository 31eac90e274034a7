import type { ModeDefinition } from '../mode.ts';
import type { ScatterGatherConfig } from './config.ts';

export const scatterGatherMode: ModeDefinition<ScatterGatherConfig> = {
  name: 'scatter-gather',
  schema: async () => (await import('./config.ts')).scatterGatherSchema,
  create: async (config, context) => new (await import('./root.ts')).ScatterGatherRoot(config, context),
};
