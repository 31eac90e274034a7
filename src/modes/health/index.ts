import type { ModeDefinition } from '../mode.ts';
import type { HealthConfig } from './schema.ts';

/**
 * The book's health adapter (ch. 4): a probe endpoint for Kubernetes in front
 * of checks that speak the app's own protocols.
 *
 *   listeners:
 *     db-check:
 *       mode: health
 *       listen: 0.0.0.0:8080
 *       checks:
 *         db: { type: mysql, address: 127.0.0.1:3306, user: health, password: "${MYSQL_PASSWORD}" }
 */
export const healthMode: ModeDefinition<HealthConfig> = {
  name: 'health',
  schema: async () => (await import('./schema.ts')).healthSchema,
  create: async (config, context) => {
    const { HealthAdapter } = await import('./health-adapter.ts');
    return new HealthAdapter(config, context);
  },
};
