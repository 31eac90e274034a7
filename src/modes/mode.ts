import type net from 'node:net';
import type { z } from 'zod';
import type { Address } from '../net/address.ts';
import type { Logger } from '../log.ts';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { LogSinks } from '../logging/log-sinks.ts';
import type { Registry } from '../metrics/registry.ts';

/** Keys every listener has, whatever its mode. */
export interface ListenerConfigBase {
  mode: string;
  listen: Address;
}

export interface ModeContext {
  /** The listener's name from the config, used in logs and metric labels. */
  listener: string;
  log: Logger;
  metrics: ListenerMetrics;
  /** For mode-specific series; label them with `listener`. */
  registry: Registry;
  /** The process's access and slow-log destinations: a listener acquires its own and releases it when retired. */
  logs: LogSinks;
}

/**
 * One listener's behaviour. The runtime owns the listening socket and hands
 * each accepted connection to the current handler, so a reload can swap the
 * handler without closing the socket; the old handler then drains.
 */
export interface ModeHandler {
  accept(socket: net.Socket): void;
  /** Resolves when the handler can serve (e.g. backends connected); rejects if it never can. */
  start(): Promise<void>;
  /** Null when able to serve; otherwise why not, for /ready. */
  notReadyReason(): string | null;
  /** Finishes in-flight work on connections it owns, closing each when idle; resolves when none remain. */
  drain(): Promise<void>;
  /** Closes everything now: the drain deadline passed. */
  destroy(): void;
  /** Mode-specific numbers for /stats. */
  stats(): Record<string, unknown>;
}

export interface ModeDefinition<Config extends ListenerConfigBase = ListenerConfigBase> {
  name: string;
  /**
   * A strict object schema whose `mode` is the literal `name`. Imported on
   * demand: the daemon reads its config on a thread of its own, so the serving
   * thread never loads zod and the schemas (about 25 MiB).
   */
  schema(): Promise<z.ZodType<Config>>;
  /**
   * Builds the handler. Modes load their implementation here, lazily, so a
   * process pays (in memory and start time) only for the modes its config
   * uses: the HTTP modes' undici, TLS and proxy code stay out of a redis
   * ambassador.
   */
  create(config: Config, context: ModeContext): ModeHandler | Promise<ModeHandler>;
  /** For modes that place keys on servers: where a key lives, for `padda route`. */
  keyLocator?(config: Config): (key: Uint8Array) => string;
}
