import type { z } from 'zod';
import { closest, formatPath, type ConfigPath, type ConfigProblem } from './problems.ts';
import type { YamlSource } from './yaml-source.ts';

type Issue = z.core.$ZodIssue;

/**
 * Runs the schema over a parsed source and turns every zod issue into a
 * problem placed at its line: unknown keys at the key itself, with the known
 * key it most resembles.
 */
export function validate<T>(schema: z.ZodType<T>, source: YamlSource): { config: T } | { problems: ConfigProblem[] } {
  const knownKeys = new Map<string, string[]>();
  const result = schema.safeParse(source.data, {
    error(issue) {
      if (issue.code === 'unrecognized_keys') {
        const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
        knownKeys.set(formatPath((issue.path ?? []) as ConfigPath), Object.keys(shape ?? {}));
      }
      return undefined;
    },
  });
  if (result.success) return { config: result.data };

  const problems: ConfigProblem[] = [];
  const place = (path: ConfigPath, message: string, at: 'key' | 'value' = 'value') => {
    const shown = source.displayPath ? source.displayPath(path) : path;
    problems.push({ file: source.file, ...source.locate(path, at), path: formatPath(shown), message });
  };
  const report = (issue: Issue, prefix: ConfigPath): void => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys.get(formatPath(path)) ?? [];
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length ? ` (known keys: ${known.join(', ')})` : '';
        place([...path, key], `unknown key "${key}"${hint}`, 'key');
      }
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && Array.isArray((issue as { options?: unknown }).options)) {
      const options = ((issue as unknown as { options: unknown[] }).options).map(String);
      const given = valueAt(source.data, path);
      if (given === undefined) {
        place(path.slice(0, -1), `missing "${String(issue.discriminator)}" (one of: ${options.join(', ')})`);
      } else {
        const suggestion = closest(String(given), options);
        place(path, `unknown ${String(issue.discriminator)} "${String(given)}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known: ${options.join(', ')}`);
      }
    } else if (issue.code === 'invalid_union' && issue.message === 'Invalid input' && issue.errors.length > 0) {
      // Unless the schema gave the union a message of its own, zod says only
      // "Invalid input" for a union; the user needs the problem
      // of the branch their value's type chose (a bad address in a string
      // shorthand, say), or else which types would have done.
      const chosen = issue.errors.find((branch) => !branch.every((sub) => sub.code === 'invalid_type' && sub.path.length === 0));
      if (chosen) for (const sub of chosen) report(sub, path);
      else place(path, `expected ${issue.errors.map((branch) => (branch[0] as { expected?: string }).expected ?? 'another value').join(' or ')}`);
    } else if (issue.code === 'invalid_key' && issue.issues.length > 0) {
      // zod says only "Invalid key in record"; the key's own problem (a listener name's rule) says why.
      place(path, issue.issues.map((sub) => sub.message).join('; '), 'key');
    } else if (issue.code === 'invalid_type' && valueAt(source.data, path) === undefined) {
      place(path.slice(0, -1), `missing required key "${String(path.at(-1))}"`);
    } else {
      place(path, issue.message.replace(/^Invalid input: /, ''));
    }
  };
  for (const issue of result.error.issues) report(issue, []);
  return { problems };
}

function valueAt(data: unknown, path: ConfigPath): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}
