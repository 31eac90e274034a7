/**
 * `${VAR}` and `${VAR:-default}` substitution from the environment, as in a
 * shell or docker-compose, so one config file parameterizes a container.
 * `$${` stands for a literal `${`. Substitution happens per YAML scalar, after
 * parsing, so an environment value can never change the document's structure.
 */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  value: string;
  /** Messages for references that could not be resolved; empty on success. */
  problems: string[];
}

export function interpolate(text: string, env: Environment): InterpolationResult {
  if (!text.includes('${')) return { value: text, problems: [] };
  const problems: string[] = [];
  const value = text.replace(REFERENCE, (whole: string, inner: string | undefined) => {
    if (whole === '$${') return '${';
    const reference = inner === undefined ? null : INNER.exec(inner);
    if (!reference) {
      problems.push(`malformed reference "${whole}" (expected \${NAME} or \${NAME:-default})`);
      return whole;
    }
    const [, name, fallback] = reference as unknown as [string, string, string | undefined];
    const found = env[name];
    // `:-` follows the shell: an empty variable also takes the default.
    if (found !== undefined && (found !== '' || fallback === undefined)) return found;
    if (fallback !== undefined) return fallback;
    problems.push(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
    return whole;
  });
  return { value, problems };
}
