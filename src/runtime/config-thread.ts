import { parentPort, workerData } from 'node:worker_threads';
import { loadPaddaConfig } from '../cli/config.ts';
import { ConfigError } from '../config/problems.ts';
import type { ConfigReply } from './config-loader.ts';

/** Entry of the thread that reads a config for the supervisor (see config-loader.ts). */
let reply: ConfigReply;
try {
  reply = { config: loadPaddaConfig((workerData as { file: string }).file) };
} catch (error) {
  reply = error instanceof ConfigError ? { problems: error.problems } : { error: (error as Error).message };
}
parentPort!.postMessage(reply);
