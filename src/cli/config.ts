import type { Environment } from '../config/interpolate.ts';
import { loadConfigFile } from '../config/load.ts';
import { buildConfigSchema, type PaddaConfig } from '../config/schema.ts';
import { ConfigError } from '../config/problems.ts';
import { loadModes } from '../modes/index.ts';
import { parseAddress } from '../net/address.ts';

/** The schema of this build: the shared keys plus every shipped mode. Importing this module loads them all. */
export const configSchema = buildConfigSchema(await Promise.all((await loadModes()).map((mode) => mode.schema())));

export function loadPaddaConfig(file: string, env: Environment = process.env): PaddaConfig {
  const config = loadConfigFile(configSchema, file, env) as PaddaConfig;
  // nutcracker's -s/-a win over the file, as command-line flags do (a nutcracker.yml gets them in adaptTwemproxy).
  const stats = env.PADDA_STATS_LISTEN;
  if (stats) {
    const address = parseAddress(stats);
    if (typeof address === 'string') throw new ConfigError([{ file, line: 0, col: 0, path: 'admin.twemproxy_stats', message: `-s/-a (PADDA_STATS_LISTEN): ${address}` }]);
    config.admin.twemproxy_stats = address;
  }
  return config;
}
