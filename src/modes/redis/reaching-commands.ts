import type { CommandArguments } from '../../protocols/resp/command-arguments.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { errorReply } from '../../protocols/resp/reply-encoder.ts';

/**
 * Commands that name a key, so they could be routed, but act beyond the
 * server and database that key routes to. A client of an ambassador is
 * given one database of a pool; these would let it make a shard connect to
 * any host (MIGRATE: request forgery and data exfiltration, and a slow
 * reply that ejects a healthy shard), move keys out of the configured
 * database, or reach server internals. nutcracker refuses them too.
 *
 * Keyless commands that act on the server as a whole (SWAPDB, REPLICAOF,
 * FAILOVER, DEBUG, MODULE, ACL, CLIENT KILL, SHUTDOWN, CONFIG SET, …) have no
 * key to route by and are refused as unsupported before they get here.
 */
interface Reach {
  /** Why the command is refused, for its error reply. */
  readonly reason: string;
  /** Whether this use of the command reaches beyond the pool (COPY only with its DB option). */
  applies(args: CommandArguments): boolean;
}

const ALWAYS = (): boolean => true;

const REACHING = new Map<string, Reach>([
  ['migrate', { reason: 'it makes the server connect to another host and send it keys', applies: ALWAYS }],
  ['move', { reason: 'it moves a key out of the database this listener serves', applies: ALWAYS }],
  ['copy', { reason: 'its DB option copies a key out of the database this listener serves', applies: namesDatabase }],
  ['restore-asking', { reason: 'it is Redis Cluster\'s internal RESTORE, which skips the cluster\'s slot checks', applies: ALWAYS }],
  ['pfdebug', { reason: 'it is an admin command that rewrites HyperLogLog internals', applies: ALWAYS }],
]);

/** Names the `allow_commands` pool key takes. */
export const REACHING_COMMAND_NAMES = [...REACHING.keys()] as [string, ...string[]];

export function isReaching(command: RedisCommand): boolean {
  return REACHING.has(command.name);
}

/** `COPY source destination [DB n] [REPLACE]`: the DB option may stand after the two keys in any order. */
function namesDatabase(args: CommandArguments): boolean {
  for (let i = 3; i < args.argc; i++) {
    const start = args.argStart[i]!;
    if (args.argEnd[i]! - start === 2 && (args.buffer[start]! | 0x20) === 0x64 && (args.buffer[start + 1]! | 0x20) === 0x62) return true;
  }
  return false;
}

/** What a pool lets through of the reaching commands (its `allow_commands`). */
export class ReachPolicy {
  readonly #allowed: ReadonlySet<string>;

  constructor(allowed: readonly string[]) {
    this.#allowed = new Set(allowed);
  }

  /** The error to answer instead of forwarding, or null when this use may go to the key's server. */
  refusal(command: RedisCommand, args: CommandArguments): Buffer | null {
    const reach = REACHING.get(command.name);
    if (reach === undefined || this.#allowed.has(command.name) || !reach.applies(args)) return null;
    return errorReply(`ERR command '${command.name}' is refused in proxy mode: ${reach.reason} (allow_commands lifts this)`);
  }
}
