/**
 * Which group a key or URI depends on, asked of padda itself (`padda route`)
 * on the config it runs, so the soak judges failures by padda's own placement.
 */
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../../bin/padda', import.meta.url).pathname;

/** key → the server (by name) or shard the listener places it on. */
export function placements(configPath: string, listener: string, keys: readonly string[]): Map<string, string> {
  const run = spawnSync(process.execPath, [BIN, 'route', '--config', configPath, '--listener', listener, '--json'], { input: `${keys.join('\n')}\n`, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`padda route failed: ${run.stderr}`);
  const placed = new Map<string, string>();
  for (const line of run.stdout.trim().split('\n')) {
    const { key, server } = JSON.parse(line) as { key: string; server: string };
    placed.set(key, server);
  }
  return placed;
}
