import type { Environment } from '../config/interpolate.ts';
import { loadConfigFile } from '../config/load.ts';
import { buildConfigSchema, type PaddaConfig } from '../config/schema.ts';
import { loadModes } from '../modes/index.ts';

/** The schema of this build: the shared keys plus every shipped mode. Importing this module loads them all. */
export const configSchema = buildConfigSchema(await Promise.all((await loadModes()).map((mode) => mode.schema())));

export function loadPaddaConfig(file: string, env: Environment = process.env): PaddaConfig {
  return loadConfigFile(configSchema, file, env) as PaddaConfig;
}
