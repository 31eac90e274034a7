import { CommandMetricsTable, type CommandFamilies } from '../../metrics/command-metrics.ts';
import type { Registry } from '../../metrics/registry.ts';
import { RequestKind, requestKindName } from '../../protocols/memcache/index.ts';

const MEMCACHE_COMMANDS: CommandFamilies = {
  calls: ['padda_memcache_commands_total', 'memcache requests by command.'],
  duration: ['padda_memcache_command_duration_seconds', "Time from a request's arrival to its reply being written to the client."],
};

/** Metric labels where memcached's own command name differs from the kind's name. */
const LABELS: Partial<Record<RequestKind, string>> = {
  [RequestKind.invalid]: 'bad_input',
  [RequestKind.flushAll]: 'flush_all',
};

/**
 * A memcache listener's per-command series, by request kind. A request is
 * counted in `calls` as it arrives (noreply and quit included); its reply
 * slot holds the series and observes `duration` when the reply is written.
 */
export function memcacheCommandMetrics(registry: Registry, listener: string): CommandMetricsTable<RequestKind> {
  return new CommandMetricsTable(registry, listener, MEMCACHE_COMMANDS, (kind) => LABELS[kind] ?? requestKindName[kind]!);
}
