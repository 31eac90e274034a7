import { Worker } from 'node:worker_threads';
import { ConfigError, type ConfigProblem } from '../config/problems.ts';
import type { PaddaConfig } from '../config/schema.ts';

/** What the config thread answers. */
export type ConfigReply = { config: PaddaConfig } | { problems: readonly ConfigProblem[] } | { error: string };

/** A config's parse tree takes ~100 bytes per byte of YAML; this bounds what a hostile file can take on top of the size cap. */
const THREAD_HEAP_MB = 1024;

/**
 * Reads, interpolates and validates the config on a thread of its own, so a
 * reload never stalls the connections the event loop is serving while a
 * large file parses. The thread ends after one config: the YAML and schema
 * machinery it loaded goes with it, and the serving thread never holds it.
 */
export function loadConfigOffThread(file: string): Promise<PaddaConfig> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL('./config-thread.ts', import.meta.url), {
      workerData: { file },
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
      stdout: false,
      stderr: false,
    });
    let replied = false;
    thread.once('message', (reply: ConfigReply) => {
      replied = true;
      if ('config' in reply) resolve(reply.config);
      else if ('problems' in reply) reject(new ConfigError(reply.problems));
      else reject(new Error(reply.error));
    });
    thread.once('error', (error: Error & { code?: string }) => {
      replied = true;
      const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `reading it took more than ${THREAD_HEAP_MB} MB` : error.message;
      reject(new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read config: ${reason}` }]));
    });
    thread.once('exit', (code) => {
      if (!replied) reject(new Error(`config thread exited with code ${code} without an answer`));
    });
  });
}
