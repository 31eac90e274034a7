import fs from 'node:fs';
import type { z } from 'zod';
import type { Environment } from './interpolate.ts';
import { ConfigError } from './problems.ts';
import { adaptTwemproxy } from './twemproxy.ts';
import { validate } from './validate.ts';
import { parseYamlSource } from './yaml-source.ts';

/** Parses, interpolates and validates config text; throws ConfigError listing every problem. */
export function loadConfigText<T>(schema: z.ZodType<T>, file: string, text: string, env: Environment = process.env): T {
  const source = parseYamlSource(file, text, env);
  if (Array.isArray(source)) throw new ConfigError(source);
  const result = validate(schema, adaptTwemproxy(source, env));
  if ('problems' in result) throw new ConfigError(result.problems);
  return result.config;
}

export function loadConfigFile<T>(schema: z.ZodType<T>, file: string, env: Environment = process.env): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read config: ${reason}` }]);
  }
  return loadConfigText(schema, file, text, env);
}
