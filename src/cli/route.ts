import readline from 'node:readline';
import type { PaddaConfig } from '../config/schema.ts';
import { loadMode } from '../modes/index.ts';

export interface RouteOptions {
  listener?: string;
  json: boolean;
}

/**
 * `padda route`: the operator's answer to "where does this key live". Keys
 * come from the arguments, or one per line on stdin. Prints `KEY<TAB>SERVER`
 * lines, or one JSON object per key with --json.
 */
export async function route(config: PaddaConfig, keys: string[], options: RouteOptions): Promise<number> {
  const modes = new Map(await Promise.all(Object.values(config.listeners).map(async (l) => [l.mode, await loadMode(l.mode)] as const)));
  const locatable = Object.entries(config.listeners).filter(([, l]) => modes.get(l.mode)?.keyLocator !== undefined);
  const name = options.listener ?? (locatable.length === 1 ? locatable[0]![0] : undefined);
  if (name === undefined) {
    process.stderr.write(`padda: name a listener with --listener; these place keys: ${locatable.map(([n]) => n).join(', ') || 'none'}\n`);
    return 64;
  }
  const listener = config.listeners[name];
  const locator = listener ? modes.get(listener.mode)?.keyLocator : undefined;
  if (!listener || !locator) {
    process.stderr.write(`padda: listener "${name}" ${listener ? `(mode ${listener.mode}) does not place keys` : 'is not in the config'}\n`);
    return 64;
  }
  const locate = locator(listener as never);
  const print = (key: string) => {
    const server = locate(Buffer.from(key));
    process.stdout.write(options.json ? `${JSON.stringify({ key, server })}\n` : `${key}\t${server}\n`);
  };
  if (keys.length > 0) keys.forEach(print);
  else for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) print(line);
  return 0;
}
