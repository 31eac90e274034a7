import { z } from 'zod';

/** What interpolate.ts substitutes: a ${NAME} or ${NAME:-default} anywhere in a scalar. */
const REFERENCE = { type: 'string', pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}', description: 'an environment reference: ${NAME} or ${NAME:-default}' };

type Node = Record<string, unknown>;

/**
 * The config's JSON Schema for editors (yaml-language-server) and for
 * checking shipped configs. zod describes the values after interpolation; a
 * file may hold `${PADDA_WORKERS:-1}` where a number goes, so every typed
 * scalar (number, integer, boolean, enum, or a string with a pattern) also
 * accepts a reference. A mode's `const` stays as it is: it picks the branch.
 */
export function configJsonSchema(schema: z.ZodType): Node {
  return acceptReferences(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Node) as Node;
}

function acceptReferences(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptReferences);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) {
    // Keyword values that are maps of schemas, lists of schemas, or one schema.
    if (key === 'properties' || key === '$defs' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Node).map(([name, child]) => [name, acceptReferences(child)]));
    } else if (['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems', 'not'].includes(key)) {
      out[key] = acceptReferences(value);
    } else {
      out[key] = value;
    }
  }
  return typedScalar(out) ? { anyOf: [out, REFERENCE], ...(out.description ? { description: out.description } : {}) } : out;
}

function typedScalar(node: Node): boolean {
  if ('const' in node) return false;
  if ('enum' in node) return true;
  const type = node.type;
  if (type === 'number' || type === 'integer' || type === 'boolean') return true;
  return type === 'string' && ('pattern' in node || 'format' in node);
}
