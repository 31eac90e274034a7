import type { Environment } from './interpolate.ts';
import type { ConfigPath } from './problems.ts';
import type { YamlSource } from './yaml-source.ts';

/**
 * twemproxy's nutcracker.yml: top-level keys are pool names, each a map with
 * `listen` and `servers`. Recognised so `padda run --config nutcracker.yml`
 * works unchanged; a pool becomes a listener whose mode is `redis` when it
 * says `redis: true` and `memcache` otherwise, as in twemproxy.
 */
export function isTwemproxyConfig(data: unknown): data is Record<string, Record<string, unknown>> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const entries = Object.entries(data);
  if (entries.length === 0 || 'listeners' in data) return false;
  return entries.every(
    ([, pool]) => pool !== null && typeof pool === 'object' && !Array.isArray(pool) && ('servers' in pool || 'listen' in pool),
  );
}

/** The same source seen as a padda config; problems found later still point into the original file. */
export function adaptTwemproxy(source: YamlSource, env: Environment): YamlSource {
  if (!isTwemproxyConfig(source.data)) return source;
  const listeners: Record<string, unknown> = {};
  for (const [name, pool] of Object.entries(source.data)) {
    // twemproxy cuts no client for unread replies: no hard output limit unless the file asks for one.
    listeners[name] = { mode: pool.redis === true ? 'redis' : 'memcache', client_output_hard_limit: 0, ...pool };
  }
  const toOriginal = (path: ConfigPath): ConfigPath => (path[0] === 'listeners' ? path.slice(1) : path);
  // twemproxy's stats port is a command-line flag, so the file says nothing of an admin server.
  // PADDA_STATS_LISTEN plays nutcracker's -s/-a: where the twemproxy-format stats are served.
  const admin = {
    ...(env.PADDA_ADMIN_LISTEN ? { listen: env.PADDA_ADMIN_LISTEN } : {}),
    ...(env.PADDA_STATS_LISTEN ? { twemproxy_stats: env.PADDA_STATS_LISTEN } : {}),
  };
  return {
    file: source.file,
    data: { admin, listeners },
    locate: (path, at) => source.locate(toOriginal(path), at),
    displayPath: toOriginal,
  };
}
