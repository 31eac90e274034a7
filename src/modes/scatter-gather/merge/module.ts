import { createRequire } from 'node:module';
import { MergeError, type LeafValue, type MergeStrategy } from './strategy.ts';

/** What a merge module exports (as default or as `merge`). */
export type MergeFunction = (answers: LeafValue[], context: { missing: string[] }) => unknown;

const requireModule = createRequire(import.meta.url);

/**
 * A user's merge function, loaded when the listener is created, so a module
 * that does not load rejects the config (or the reload) instead of failing
 * requests. It runs in padda's process with full trust. `require` loads
 * CommonJS and ES modules alike, synchronously, as create() must be; a module
 * is read once per process (changing it needs a restart).
 */
export function moduleStrategy(file: string): MergeStrategy {
  const loaded = requireModule(file) as unknown;
  const exported = loaded as { default?: unknown; merge?: unknown } | null;
  const merge = typeof loaded === 'function' ? loaded : (exported?.default ?? exported?.merge);
  if (typeof merge !== 'function') throw new Error(`merge module ${file} exports no function (export default function merge(answers, context) { … })`);
  const fn = merge as MergeFunction;
  return {
    firstWins: false,
    check: () => null,
    merge(answers, missing) {
      const merged = fn([...answers], { missing: [...missing] });
      if (merged === undefined) throw new MergeError('the merge function returned nothing');
      return merged;
    },
  };
}
