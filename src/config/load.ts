import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Environment } from './interpolate.ts';
import { ConfigError, formatPath, type ConfigPath, type ConfigProblem } from './problems.ts';
import { adaptTwemproxy } from './twemproxy.ts';
import { validate } from './validate.ts';
import { isConfigFile } from './config-file.ts';
import { parseYamlSource, sortProblems, type YamlSource } from './yaml-source.ts';

/** Parses, interpolates and validates config text; throws ConfigError listing every problem, in file order. */
export function loadConfigText<T>(schema: z.ZodType<T>, file: string, text: string, env: Environment = process.env): T {
  const parsed = parseYamlSource(file, text, env);
  if (Array.isArray(parsed)) throw new ConfigError(parsed);
  const adapted = adaptTwemproxy(parsed.source, env);
  const result = validate(schema, adapted);
  const problems = [...parsed.problems];
  if ('problems' in result) problems.push(...result.problems.filter((problem) => !parsed.unresolved.has(problem.path)));
  else if (problems.length === 0) problems.push(...resolveConfigFiles(result.config, path.dirname(path.resolve(file)), adapted, []));
  if (problems.length > 0 || !('config' in result)) throw new ConfigError(sortProblems(problems));
  return result.config;
}

/** Makes every ConfigFile in the config absolute against `dir`; a problem for each that does not exist. */
function resolveConfigFiles(value: unknown, dir: string, source: YamlSource, at: ConfigPath, problems: ConfigProblem[] = []): ConfigProblem[] {
  if (isConfigFile(value)) {
    value.path = path.resolve(dir, value.written);
    if (!fs.existsSync(value.path)) {
      const shown = source.displayPath ? source.displayPath(at) : at;
      problems.push({ file: source.file, ...source.locate(at), path: formatPath(shown), message: `no such file: ${value.path}` });
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) resolveConfigFiles(child, dir, source, [...at, Array.isArray(value) ? Number(key) : key], problems);
  }
  return problems;
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
