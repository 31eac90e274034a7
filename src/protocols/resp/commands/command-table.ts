/**
 * Redis 7 command table, read from the committed redis-commands.json (made by
 * generate.ts from a real redis-server). Looking a command up takes its name
 * bytes straight from the request buffer: case-folded hashing and comparison,
 * no string is made.
 *
 *   const command = findCommand(scanner);           // name, and subcommand for CONFIG GET etc.
 *   if (command === undefined) → -ERR unknown command
 *   if (!command.acceptsArgc(scanner.argc)) → -ERR wrong number of arguments
 *   if (command.flags & CommandFlag.BLOCKING) → pin the client ...
 */
import { foldCase } from '../../ascii.ts';
import type { CommandArguments } from '../command-arguments.ts';
import type { CommandInfo, CommandTableData } from './command-info.ts';
import { flagBits } from './command-flags.ts';
import { compileKeySpec, FIND_KEYNUM, UNKNOWN, type CompiledKeySpec } from './key-spec.ts';
import table from './redis-commands.json' with { type: 'json' };

/** How Redis finds keys when the key specs cannot (redis db.c `*GetKeys` functions). */
export const KeyFallback = {
  /** No key function: the specs' answer (or none) stands. */
  NONE: 0,
  /** SORT: the sorted key, plus the key after the last STORE. */
  SORT: 1,
  /** SORT_RO: the sorted key. */
  SORT_RO: 2,
  /** MIGRATE: the key argument, or all after KEYS when the key argument is empty. */
  MIGRATE: 3,
  /** EVAL, ZUNIONSTORE, LMPOP …: a key count parsed leniently (C atoi). */
  KEY_COUNT: 4,
} as const;

export class RedisCommand {
  /** Lower-case name; `container|sub` for a subcommand. */
  readonly name: string;
  /** Lower-case bytes the lookup compares with (the part after `|` for a subcommand). */
  readonly nameBytes: Uint8Array;
  readonly arity: number;
  /** CommandFlag bits. */
  readonly flags: number;
  /** COMMAND DOCS group: string, list, transactions, pubsub, scripting, … */
  readonly group: string;
  readonly keySpecs: readonly CompiledKeySpec[];
  /** Some key spec names real keys (not only channels). */
  readonly hasKeySpecs: boolean;
  readonly keyFallback: number;
  /** Subcommands (CONFIG GET, XINFO STREAM, …), or null when it has none. */
  readonly subcommands: CommandLookup | null;
  /** Everything COMMAND INFO said, for the uncommon questions. */
  readonly info: CommandInfo;

  constructor(info: CommandInfo) {
    this.name = info.name;
    this.nameBytes = Buffer.from(info.name.slice(info.name.indexOf('|') + 1), 'latin1');
    this.arity = info.arity;
    this.flags = flagBits(info.flags);
    this.group = info.group;
    this.keySpecs = info.keySpecs.map(compileKeySpec);
    this.hasKeySpecs = this.keySpecs.some((s) => !s.notKey);
    this.keyFallback = keyFallback(info.name, this.keySpecs);
    this.subcommands = info.subcommands.length > 0 ? new CommandLookup(info.subcommands.map((s) => new RedisCommand(s))) : null;
    this.info = info;
  }

  /** Whether Redis would accept this many arguments (name included) without an arity error. */
  acceptsArgc(argc: number): boolean {
    return this.arity >= 0 ? argc === this.arity : argc >= -this.arity;
  }
}

function keyFallback(name: string, specs: readonly CompiledKeySpec[]): number {
  if (name === 'sort') return KeyFallback.SORT;
  if (name === 'sort_ro') return KeyFallback.SORT_RO;
  if (name === 'migrate') return KeyFallback.MIGRATE;
  if (specs.some((s) => s.find === FIND_KEYNUM && s.begin !== UNKNOWN)) return KeyFallback.KEY_COUNT;
  return KeyFallback.NONE;
}

/** Open-addressing hash of commands by case-folded name bytes. */
export class CommandLookup {
  readonly commands: readonly RedisCommand[];
  private readonly slots: (RedisCommand | null)[];
  private readonly mask: number;

  constructor(commands: readonly RedisCommand[]) {
    this.commands = commands;
    let size = 8;
    while (size < commands.length * 4) size *= 2;
    this.mask = size - 1;
    this.slots = new Array<RedisCommand | null>(size).fill(null);
    for (const command of commands) {
      let slot = foldedHash(command.nameBytes, 0, command.nameBytes.length) & this.mask;
      while (this.slots[slot] !== null) slot = (slot + 1) & this.mask;
      this.slots[slot] = command;
    }
  }

  /** The command named by bytes [start, end) of `buf`, any letter case. */
  get(buf: Uint8Array, start: number, end: number): RedisCommand | undefined {
    let slot = foldedHash(buf, start, end) & this.mask;
    for (let command = this.slots[slot]; command !== null; command = this.slots[slot]) {
      if (equalsFolded(buf, start, end, command.nameBytes)) return command;
      slot = (slot + 1) & this.mask;
    }
    return undefined;
  }
}

/** FNV-1a over the case-folded bytes. */
function foldedHash(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ foldCase(buf[i]), 0x01000193);
  return hash >>> 0;
}

function equalsFolded(buf: Uint8Array, start: number, end: number, lower: Uint8Array): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if (foldCase(buf[start + i]) !== lower[i]) return false;
  return true;
}

const data = table as CommandTableData;

/** Every top-level command of the committed table. */
export const redisCommands = new CommandLookup(data.commands.map((info) => new RedisCommand(info)));

/** Which server the committed table was generated from, e.g. `redis-server 7.0.15`. */
export const commandTableSource = data.source;

/**
 * The command a request invokes, resolving subcommands as redis-server does
 * (lookupCommand): a container with arguments means its subcommand, so
 * `CONFIG GET x` is `config|get`, and an unknown subcommand is undefined.
 * A container alone (`CONFIG`) is the container itself.
 */
export function findCommand(args: CommandArguments): RedisCommand | undefined {
  if (args.argc === 0) return undefined;
  const command = redisCommands.get(args.buffer, args.argStart[0], args.argEnd[0]);
  if (command === undefined || command.subcommands === null || args.argc === 1) return command;
  return command.subcommands.get(args.buffer, args.argStart[1], args.argEnd[1]);
}
