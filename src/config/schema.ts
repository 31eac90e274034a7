import os from 'node:os';
import { z } from 'zod';
import { LOG_LEVELS } from '../log.ts';
import { address, duration } from './values.ts';

export const LISTENER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const admin = z
  .strictObject({
    listen: address.prefault('127.0.0.1:9901').describe('Admin HTTP server: /healthz /ready /metrics /config /stats.'),
    twemproxy_stats: address.optional().describe("twemproxy's stats port (nutcracker -s): one JSON document per connection, for existing dashboards."),
  })
  .describe('The admin server. Loopback by default; bind a pod address only where the network is trusted.');

const log = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Overridden by PADDA_LOG_LEVEL.'),
});

const workers = z
  .union([z.number().int().min(1).max(256), z.literal('auto')], { error: 'workers is a number from 1 to 256, or "auto"' })
  .default(1)
  .transform((value) => (value === 'auto' ? os.availableParallelism() : value))
  .describe('Processes sharing every listening port (SO_REUSEPORT); "auto" is one per core.');

/**
 * The root schema, built from the schemas of the modes the program ships. It
 * is the single source of truth for types, defaults, validation and the JSON Schema.
 */
export function buildConfigSchema(modeSchemas: readonly z.ZodType[]) {
  const listener = z.discriminatedUnion('mode', modeSchemas as unknown as [z.ZodObject, ...z.ZodObject[]]);
  return z
    .strictObject({
      admin: admin.prefault({}),
      workers,
      log: log.prefault({}),
      drain_timeout: duration.default(30_000).describe('How long a stop or reload waits for in-flight work.'),
      listeners: z.record(
        z.string().regex(LISTENER_NAME, 'listener names use letters, digits, "_", "." and "-"'),
        listener,
      ),
    })
    .superRefine((config, ctx) => {
      const seen = new Map<string, string>();
      for (const [name, value] of Object.entries(config.listeners)) {
        const { listen } = value as { listen: { kind: string; host?: string; port?: number; path?: string } };
        const key = listen.kind === 'unix' ? listen.path! : `${listen.port}`;
        const other = seen.get(key);
        if (other !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['listeners', name, 'listen'], message: `listener "${other}" already listens on this port` });
        }
        seen.set(key, name);
        if (listen.kind === 'unix' && config.workers > 1) {
          ctx.addIssue({ code: 'custom', path: ['listeners', name, 'listen'], message: 'a unix socket listener needs workers: 1 (SO_REUSEPORT cannot share a unix socket)' });
        }
      }
    });
}

export type ConfigSchema = ReturnType<typeof buildConfigSchema>;

export interface PaddaConfig {
  admin: { listen: import('../net/address.ts').Address; twemproxy_stats?: import('../net/address.ts').Address };
  workers: number;
  log: { level: (typeof LOG_LEVELS)[number] };
  drain_timeout: number;
  listeners: Record<string, import('../modes/mode.ts').ListenerConfigBase & Record<string, unknown>>;
}
