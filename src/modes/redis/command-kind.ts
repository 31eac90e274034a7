import { CommandFlag } from '../../protocols/resp/commands/command-flags.ts';
import type { RedisCommand } from '../../protocols/resp/commands/command-table.ts';
import { isReaching } from './reaching-commands.ts';

/** How the proxy treats a command. */
export const Kind = {
  /** Routed by its keys; all keys must live on one server. */
  KEYED: 0,
  /** Split per server and merged: MGET. */
  MGET: 1,
  /** Split per server, OK only if every part is OK: MSET. */
  MSET: 2,
  /** Split per server, integer replies added: DEL UNLINK EXISTS TOUCH. */
  SUM: 3,
  /** Answered by padda itself. */
  LOCAL: 4,
  /** Opens or continues a transaction on a dedicated connection. */
  TRANSACTION: 5,
  /** May block: runs on the client's dedicated connection. */
  BLOCKING: 6,
  /** Subscribe family: the client's dedicated connection becomes a message stream. */
  SUBSCRIBE: 7,
  /** PUBLISH: routed by its channel. */
  PUBLISH: 8,
  /** No key to route by and not answerable locally. */
  UNSUPPORTED: 9,
  /** Routed by its keys, but acts beyond the key's server or database: refused unless the pool allows it. */
  REACHING: 10,
} as const;

const LOCAL = new Set(['ping', 'echo', 'quit', 'auth', 'select', 'hello', 'command', 'command|count', 'command|getkeys',
  'command|info', 'command|docs', 'command|list', 'info', 'client|setname', 'client|getname', 'client|id', 'reset']);
const TRANSACTION = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch']);
const SUBSCRIBE = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe']);
const SPLIT: Record<string, number> = { mget: Kind.MGET, mset: Kind.MSET, del: Kind.SUM, unlink: Kind.SUM, exists: Kind.SUM, touch: Kind.SUM };
const PUBLISH = new Set(['publish', 'spublish']);

const cache = new Map<RedisCommand, number>();

export function commandKind(command: RedisCommand): number {
  let kind = cache.get(command);
  if (kind === undefined) {
    kind = classify(command);
    cache.set(command, kind);
  }
  return kind;
}

function classify(command: RedisCommand): number {
  const name = command.name;
  if (LOCAL.has(name)) return Kind.LOCAL;
  if (TRANSACTION.has(name)) return Kind.TRANSACTION;
  if (SUBSCRIBE.has(name)) return Kind.SUBSCRIBE;
  if (PUBLISH.has(name)) return Kind.PUBLISH;
  if (SPLIT[name] !== undefined) return SPLIT[name]!;
  if (isReaching(command)) return Kind.REACHING;
  if (command.flags & CommandFlag.BLOCKING) return Kind.BLOCKING;
  if (command.hasKeySpecs || command.keyFallback !== 0) return Kind.KEYED;
  return Kind.UNSUPPORTED;
}
