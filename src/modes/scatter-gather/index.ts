import type { ModeDefinition } from '../mode.ts';
import { scatterGatherSchema, type ScatterGatherConfig } from './config.ts';
import { ScatterGatherRoot } from './root.ts';

export const scatterGatherMode: ModeDefinition<ScatterGatherConfig> = {
  name: 'scatter-gather',
  schema: scatterGatherSchema,
  create: (config, context) => new ScatterGatherRoot(config, context),
};
