import type { ModeDefinition } from '../mode.ts';
import { sidecarSchema, type SidecarConfig } from './schema.ts';

export const sidecarMode: ModeDefinition<SidecarConfig> = {
  name: 'sidecar',
  schema: sidecarSchema,
  create: async (config, context) => new (await import('./sidecar.ts')).Sidecar(config, context),
};
