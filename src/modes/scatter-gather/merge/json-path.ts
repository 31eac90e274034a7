/** A merge path as its keys: `hits.docs` → ['hits', 'docs']; '' → [] (the whole answer). */
export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/** The value at `keys` in a parsed answer, or undefined; only own keys count, so `constructor` is not found on every object. */
export function valueAt(body: unknown, keys: readonly string[]): unknown {
  let value = body;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The root's answer: the merged value at the path it was taken from, so a client reads the root as it would read one leaf. */
export function placeAt(keys: readonly string[], value: unknown): unknown {
  let placed = value;
  for (let i = keys.length - 1; i >= 0; i--) placed = { [keys[i]!]: placed };
  return placed;
}
