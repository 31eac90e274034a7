import path from 'node:path';

/**
 * The URL of an entry module (a worker's, a thread's) next to `from`, with
 * `from`'s own extension: `.ts` when padda runs its sources, `.js` when it
 * runs the dist/ build, where only import specifiers were rewritten.
 */
export function siblingEntry(name: string, from: string): URL {
  return new URL(`./${name}${path.extname(new URL(from).pathname)}`, from);
}
