import { isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, parse as parseYaml, Scalar } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import { interpolate, type Environment } from './interpolate.ts';
import { formatPath, type ConfigPath, type ConfigProblem } from './problems.ts';

/**
 * Bounds on what a config file may cost to load. A real config is a few
 * kilobytes (ten thousand pool servers are under 400 KB); these stop a
 * hostile or runaway file from stalling the daemon. Aliases are few in any
 * config people write, and each one makes the `yaml` package look through
 * every anchor, so their count is bounded as well as their expansion.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_ALIASES = 1_000;
/** Flow collections (`[[[…`) nest one level per byte; `yaml` composes them recursively, so a deep one would take the stack. */
const MAX_FLOW_DEPTH = 1_000;
/** `yaml`'s own measure of how far aliases expand: aliases times the aliases inside what they name. */
const MAX_ALIAS_EXPANSION = 100;

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

/** A source read far enough to validate, with what was wrong on the way (unset variables, repeated keys). */
export interface ParsedYaml {
  source: YamlSource;
  problems: ConfigProblem[];
  /** Paths (formatted) of values left as written because a variable in them is unset: the schema's word on them adds nothing. */
  unresolved: ReadonlySet<string>;
}

/**
 * Parses, checks and interpolates. Problems that leave nothing to validate
 * (bad syntax, too large, aliases expanding too far) come back alone;
 * the others come with the source, so the schema can add its own.
 */
export function parseYamlSource(file: string, text: string, env: Environment): ParsedYaml | ConfigProblem[] {
  if (text.length > MAX_CONFIG_BYTES) {
    return [{ file, line: 0, col: 0, path: '', message: `config is ${text.length} bytes; at most ${MAX_CONFIG_BYTES} are read` }];
  }
  const tooDeep = flowTooDeep(text);
  if (tooDeep !== null) {
    const line = text.slice(0, tooDeep).split('\n');
    return [{ file, line: line.length, col: line.at(-1)!.length + 1, path: '', message: `collections nested more than ${MAX_FLOW_DEPTH} deep` }];
  }
  const lineCounter = new LineCounter();
  // Key uniqueness is checked below with a set per map: `yaml`'s own check compares each key with every earlier one.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
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

  let aliases = 0;
  const unresolved = new Set<string>();
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isAlias(node)) {
      aliases++;
    } else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) problems.push({ file, ...position((pair.key as Node).range?.[0] ?? 0), path: '', message: 'Map keys must be unique' });
        seen.add(key);
        path.push(String(key));
        walk(pair.value, path);
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        path.push(index);
        walk(item, path);
        path.pop();
      });
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      const { value, problems: found } = interpolate(node.value, env);
      const at = position(node.range?.[0] ?? 0);
      for (const message of found) problems.push({ file, ...at, path: formatPath(path), message });
      if (found.length > 0) unresolved.add(formatPath(path));
      else node.value = node.type === Scalar.PLAIN ? retype(value) : value;
    }
  };
  walk(doc.contents, []);
  if (aliases > MAX_ALIASES) return [{ file, line: 1, col: 1, path: '', message: `${aliases} aliases; at most ${MAX_ALIASES} are expanded` }];

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }) ?? {};
  } catch (error) {
    // `yaml` throws ReferenceError for an alias that expands too far (a "billion laughs") or names no anchor.
    if (!(error instanceof ReferenceError)) throw error;
    return [{ file, line: 1, col: 1, path: '', message: `aliases: ${error.message}` }];
  }
  const index = new WeakMap<YAMLMap, Map<string, unknown>>();
  const source: YamlSource = {
    file,
    data,
    locate(path, at = 'value') {
      const node = nodeAt(doc, index, path, at);
      return position(node?.range?.[0] ?? 0);
    },
  };
  return { source, problems, unresolved };
}

/** The offset where flow collections first nest deeper than the bound, or null; the lexer knows what is quoted. */
function flowTooDeep(text: string): number | null {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > MAX_FLOW_DEPTH) return offset;
    } else if (token === ']' || token === '}') {
      depth--;
    }
    // The lexer also yields one-character markers that are not in the text (document, scalar starts).
    if (!(token.length === 1 && token < ' ' && token !== '\n' && token !== '\t')) offset += token.length;
  }
  return null;
}

/** Problems in file order, as an editor lists them: by line, then column. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
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

/** The node at `path`, or its nearest existing parent; maps are indexed on first use, so each problem costs a lookup per level. */
function nodeAt(doc: Document, index: WeakMap<YAMLMap, Map<string, unknown>>, path: ConfigPath, at: 'key' | 'value'): Node | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (isMap(node)) {
      let keys = index.get(node);
      if (keys === undefined) {
        keys = new Map();
        for (const item of node.items) if (isScalar(item.key) && !keys.has(String(item.key.value))) keys.set(String(item.key.value), item);
        index.set(node, keys);
      }
      const pair = keys.get(String(part));
      if (!isPair(pair)) return found;
      if (i === path.length - 1 && at === 'key') return pair.key as Node;
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
