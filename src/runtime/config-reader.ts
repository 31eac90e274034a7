import { loadPaddaConfig } from '../cli/config.ts';
import { ConfigError } from '../config/problems.ts';
import type { ConfigReply } from './config-loader.ts';

/** Entry of the process that reads a config for the supervisor (see config-loader.ts). */
let reply: ConfigReply;
try {
  reply = { config: loadPaddaConfig(process.argv[2]!) };
} catch (error) {
  reply = error instanceof ConfigError ? { problems: error.problems } : { error: (error as Error).message };
}
process.send!(reply, () => process.disconnect());
