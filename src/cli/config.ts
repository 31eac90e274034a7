import type { Environment } from '../config/interpolate.ts';
import { loadConfigFile } from '../config/load.ts';
import { buildConfigSchema, type PaddaConfig } from '../config/schema.ts';
import { MODES } from '../modes/index.ts';

/** The schema of this build: the shared keys plus every shipped mode. */
export const configSchema = buildConfigSchema(MODES);

export function loadPaddaConfig(file: string, env: Environment = process.env): PaddaConfig {
  return loadConfigFile(configSchema, file, env) as PaddaConfig;
}
