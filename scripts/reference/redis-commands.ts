/**
 * docs/reference/redis-commands.md: what the redis mode does with each command
 * of the committed Redis command table, read from the mode's own classifier
 * (commandKind), its local answers (answerLocally) and its refusals
 * (ReachPolicy), so the page says what the code does.
 */
import type { CommandArguments } from '../../src/protocols/resp/command-arguments.ts';
import { commandTableSource, redisCommands, type RedisCommand } from '../../src/protocols/resp/commands/command-table.ts';
import { commandKind, Kind } from '../../src/modes/redis/command-kind.ts';
import { answerLocally } from '../../src/modes/redis/local-commands.ts';
import { ReachPolicy } from '../../src/modes/redis/reaching-commands.ts';
import { generatedHeader, table } from './markdown.ts';

interface Treatment {
  /** Section of the page. */
  section: string;
  note: string;
}

const SECTIONS: ReadonlyArray<readonly [string, string]> = [
  ['Routed by key', 'Sent to the server that owns the key; a command with several keys needs them all on one server, else `-CROSSSLOT` (`hash_tag` puts related keys together).'],
  ['Split and merged', 'Keys on several servers are split into one command per server and the answers merged.'],
  ['Pinned', 'Run on a connection of the client\'s own to the server of its keys (or channels), because they hold state between commands or block.'],
  ['Answered by padda', 'Answered without a server, or sent to one server when the answer is the same everywhere.'],
  ['Refused: reaches beyond the pool', 'Refused with `-ERR command \'<name>\' is refused in proxy mode: <reason>`, unless the listener\'s `allow_commands` lists it.'],
  ['Unsupported: no key to route by', 'Answered `-ERR unsupported command \'<name>\' in proxy mode`: the command acts on a whole server, and a pool has several.'],
];

const SPLIT_NOTES = new Map<number, string>([
  [Kind.MGET, 'values merged back in key order; a failed part gives errors only in its keys\' slots'],
  [Kind.MSET, '`OK` only if every part is `OK`'],
  [Kind.SUM, 'the parts\' integer answers added'],
]);

/** A command as the scanner would hand it over: `words` laid end to end in one buffer. */
function argumentsOf(words: readonly string[]): CommandArguments {
  const buffer = Buffer.from(words.join(''), 'latin1');
  const argStart = new Int32Array(words.length);
  const argEnd = new Int32Array(words.length);
  let at = 0;
  words.forEach((word, i) => {
    argStart[i] = at;
    at += word.length;
    argEnd[i] = at;
  });
  return { buffer, argc: words.length, argStart, argEnd };
}

/** The command's words followed by placeholder arguments up to its arity, and `extra` after them. */
function invocation(command: RedisCommand, extra: readonly string[] = []): CommandArguments {
  const words = command.name.split('|');
  while (words.length < Math.abs(command.arity)) words.push('x');
  return argumentsOf([...words, ...extra]);
}

const LOCAL_CLIENT = { id: 1, name: null, authenticated: true, password: undefined, user: undefined, db: 0 };
const reach = new ReachPolicy([]);

function treatment(command: RedisCommand): Treatment {
  const kind = commandKind(command);
  switch (kind) {
    case Kind.KEYED:
      return { section: 'Routed by key', note: '' };
    case Kind.PUBLISH:
      return { section: 'Routed by key', note: 'by its channel, where the channel\'s subscribers are' };
    case Kind.MGET:
    case Kind.MSET:
    case Kind.SUM:
      return { section: 'Split and merged', note: SPLIT_NOTES.get(kind)! };
    case Kind.TRANSACTION:
      return { section: 'Pinned', note: 'a transaction: every key of it on one server, else `-EXECABORT`' };
    case Kind.BLOCKING:
      return { section: 'Pinned', note: 'blocks: the client\'s later commands wait for it, as in Redis' };
    case Kind.SUBSCRIBE:
      return {
        section: 'Pinned',
        note: command.name === 'psubscribe' ? 'refused when the pool has more than one server (a pattern matches channels on every server)' : 'channels placed like keys',
      };
    case Kind.LOCAL: {
      const answered = answerLocally(command.name, invocation(command), { ...LOCAL_CLIENT }) !== null;
      return { section: 'Answered by padda', note: answered ? '' : 'sent to a server: every server gives the same answer' };
    }
    case Kind.REACHING: {
      // COPY reaches beyond the pool only with its DB option: ask with one.
      const refusal = reach.refusal(command, invocation(command, ['DB', '1']))!.toString('latin1');
      return { section: 'Refused: reaches beyond the pool', note: /in proxy mode: (.*) \(allow_commands/.exec(refusal)![1]! };
    }
    default:
      return { section: 'Unsupported: no key to route by', note: '' };
  }
}

/** Every command a client can send: the top-level ones, each subcommand of a container (CONFIG GET), and a container that runs alone (COMMAND). */
function leafCommands(): RedisCommand[] {
  return redisCommands.commands.flatMap((command) => {
    if (command.subcommands === null) return [command];
    return command.acceptsArgc(1) ? [command, ...command.subcommands.commands] : [...command.subcommands.commands];
  });
}

export function redisCommandsPage(): string {
  const rows = new Map<string, string[][]>(SECTIONS.map(([section]) => [section, []]));
  for (const command of leafCommands().sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const { section, note } = treatment(command);
    rows.get(section)!.push([`\`${command.name.replace('|', ' ').toUpperCase()}\``, command.group, note]);
  }
  const counts = SECTIONS.map(([section]) => `${section.toLowerCase()}: ${rows.get(section)!.length}`).join(', ');
  const parts = [
    generatedHeader('Redis commands through the `redis` mode', '`src/modes/redis/` (command-kind.ts, local-commands.ts, reaching-commands.ts) and the committed command table'),
    `Every command of the command table (${commandTableSource}), as a \`redis\` listener treats it — ${counts}. ` +
      'A command name not in the table gets Redis\'s own `-ERR unknown command`.',
  ];
  for (const [section, meaning] of SECTIONS) {
    parts.push(`## ${section} (${rows.get(section)!.length})`, meaning, table(['command', 'group', 'note'], rows.get(section)!));
  }
  return `${parts.join('\n\n')}\n`;
}
