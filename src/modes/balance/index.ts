import type { ModeDefinition } from '../mode.ts';
import type { BalanceConfig } from './schema.ts';

export const balanceMode: ModeDefinition<BalanceConfig> = {
  name: 'balance',
  schema: async () => (await import('./schema.ts')).balanceSchema,
  create: async (config, context) => new (await import('./balance.ts')).Balance(config, context),
};
