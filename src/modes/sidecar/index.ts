import type { ModeDefinition } from '../mode.ts';
import type { SidecarConfig } from './schema.ts';

export const sidecarMode: ModeDefinition<SidecarConfig> = {
  name: 'sidecar',
  schema: async () => (await import('./schema.ts')).sidecarSchema,
  create: async (config, context) => new (await import('./sidecar.ts')).Sidecar(config, context),
};
