import { fork } from 'node:child_process';
import { ConfigError, type ConfigProblem } from '../config/problems.ts';
import type { PaddaConfig } from '../config/schema.ts';
import { siblingEntry } from './entry-url.ts';

/** What the config reader answers. */
export type ConfigReply = { config: PaddaConfig } | { problems: readonly ConfigProblem[] } | { error: string };

/** A config's parse tree takes ~100 bytes per byte of YAML; this bounds what a hostile file can take on top of the size cap. */
const READER_HEAP_MB = 1024;

/**
 * Reads, interpolates and validates the config in a short-lived process of
 * its own. A reload never stalls the connections the daemon serves while a
 * large file parses, and the YAML parser, zod and the schemas (~40 MiB, which
 * a worker thread would leave behind in the daemon's RSS after it ended) are
 * never loaded into the daemon at all.
 */
export function readConfigApart(file: string): Promise<PaddaConfig> {
  return new Promise((resolve, reject) => {
    const reader = fork(siblingEntry('config-reader', import.meta.url), [file], {
      execArgv: [...process.execArgv, `--max-old-space-size=${READER_HEAP_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let reply: ConfigReply | null = null;
    reader.once('message', (message: ConfigReply) => (reply = message));
    reader.once('error', (error) => reject(error));
    reader.once('exit', (code, signal) => {
      if (reply === null) {
        const reason = signal ?? `exit code ${code}`;
        reject(new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read config: the reader ended (${reason}) without an answer; is it too large?` }]));
      } else if ('config' in reply) resolve(reply.config);
      else if ('problems' in reply) reject(new ConfigError(reply.problems));
      else reject(new Error(reply.error));
    });
  });
}
