import type { ModeDefinition } from './mode.ts';
import { healthMode } from './health/index.ts';
import { memcacheMode } from './memcache/index.ts';
import { redisMode } from './redis/index.ts';
import { respondMode } from './respond.ts';
import { scatterGatherMode } from './scatter-gather/index.ts';
import { shardRouterMode } from './shard-router/index.ts';
import { sidecarMode } from './sidecar/index.ts';
import { splitMode } from './split/index.ts';
import { tcpMode } from './tcp.ts';

/** Every mode this build of padda can run; the config schema is built from this list. */
export const MODES: readonly ModeDefinition<any>[] = [tcpMode, respondMode, redisMode, memcacheMode, sidecarMode, shardRouterMode, splitMode, scatterGatherMode, healthMode];

export function findMode(name: string): ModeDefinition<any> | undefined {
  return MODES.find((mode) => mode.name === name);
}
