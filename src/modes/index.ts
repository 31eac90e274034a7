import type { ModeDefinition } from './mode.ts';

/**
 * Every mode this build of padda can run. Each definition is imported when
 * asked for, so a process loads only the modes its config uses (and their
 * schemas only where a config is read).
 */
const DEFINITIONS = new Map<string, () => Promise<ModeDefinition<any>>>([
  ['tcp', async () => (await import('./tcp.ts')).tcpMode],
  ['respond', async () => (await import('./respond.ts')).respondMode],
  ['redis', async () => (await import('./redis/index.ts')).redisMode],
  ['memcache', async () => (await import('./memcache/index.ts')).memcacheMode],
  ['sidecar', async () => (await import('./sidecar/index.ts')).sidecarMode],
  ['shard-router', async () => (await import('./shard-router/index.ts')).shardRouterMode],
  ['balance', async () => (await import('./balance/index.ts')).balanceMode],
  ['split', async () => (await import('./split/index.ts')).splitMode],
  ['scatter-gather', async () => (await import('./scatter-gather/index.ts')).scatterGatherMode],
  ['health', async () => (await import('./health/index.ts')).healthMode],
]);

export const MODE_NAMES: readonly string[] = [...DEFINITIONS.keys()];

export function loadMode(name: string): Promise<ModeDefinition<any> | undefined> {
  return DEFINITIONS.get(name)?.() ?? Promise.resolve(undefined);
}

/** Every mode's definition, in MODE_NAMES order. */
export function loadModes(): Promise<ModeDefinition<any>[]> {
  return Promise.all(MODE_NAMES.map((name) => DEFINITIONS.get(name)!()));
}
