import { isMap, isScalar, isSeq, LineCounter, parseDocument, parse as parseYaml, Scalar, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { interpolate, type Environment } from './interpolate.ts';
import { formatPath, type ConfigPath, type ConfigProblem } from './problems.ts';

/**
 * A parsed YAML config that remembers where every value came from, so schema
 * errors found later can still name file, line, column and path.
 */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Line and column of the value at `path`, or of its nearest existing parent. */
  locate(path: ConfigPath, at?: 'key' | 'value'): { line: number; col: number };
  /** How a schema path is shown to the user, when the data was reshaped from what the file says. */
  displayPath?: (path: ConfigPath) => ConfigPath;
}

export function parseYamlSource(file: string, text: string, env: Environment): YamlSource | ConfigProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const problems: ConfigProblem[] = doc.errors.map((error) => ({
    file,
    ...position(error.pos[0]),
    path: '',
    message: error.message.split('\n')[0]!,
  }));
  if (problems.length > 0) return problems;

  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const { value, problems: found } = interpolate(node.value, env);
      const at = position(node.range?.[0] ?? 0);
      for (const message of found) problems.push({ file, ...at, path: formatPath(pathOf(ancestors, node)), message });
      node.value = node.type === Scalar.PLAIN ? retype(value) : value;
    },
  });
  if (problems.length > 0) return problems;

  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }) ?? {},
    locate(path, at = 'value') {
      const node = nodeAt(doc, path, at);
      return position(node?.range?.[0] ?? 0);
    },
  };
}

/** An unquoted `${PORT:-7000}` should become the number 7000, as if written literally. */
function retype(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return value === null || typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}

function nodeAt(doc: Document, path: ConfigPath, at: 'key' | 'value'): Node | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) return found;
      const last = i === path.length - 1;
      if (last && at === 'key') return pair.key as Node;
      node = pair.value;
      found = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if (!node) return found;
      found = node as Node;
    } else {
      return found;
    }
  }
  return found;
}

function pathOf(ancestors: readonly unknown[], node: unknown): ConfigPath {
  const path: (string | number)[] = [];
  let child: unknown = node;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const parent = ancestors[i];
    if (isSeq(parent)) path.unshift(parent.items.indexOf(child as never));
    else if (parent && typeof parent === 'object' && 'key' in parent && 'value' in parent) {
      const key = (parent as { key: unknown }).key;
      path.unshift(isScalar(key) ? String(key.value) : String(key));
    }
    child = parent;
  }
  return path;
}
