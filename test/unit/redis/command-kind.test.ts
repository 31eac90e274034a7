/**
 * The audit of the whole command table: a command that Redis marks as
 * admin or dangerous, or that belongs to the server or cluster group, is
 * either refused (no key to route by, or reaching beyond the pool) or on the
 * short reviewed list below of commands that act only on the routed key's
 * server and database. A regenerated table with a new such command fails
 * here until someone decides which it is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandKind, Kind } from '../../../src/modes/redis/command-kind.ts';
import { ReachPolicy } from '../../../src/modes/redis/reaching-commands.ts';
import { findCommand, redisCommands, type RedisCommand } from '../../../src/protocols/resp/commands/command-table.ts';
import { RequestScanner } from '../../../src/protocols/resp/request-scanner.ts';

/** Forwarded although admin, dangerous or server-group, and why that is safe. */
const REVIEWED: Record<string, string> = {
  sort: 'BY and GET patterns read other keys, of the same server and database only',
  sort_ro: 'as sort',
  restore: 'writes a serialized value to the routed key; nutcracker forwards it too',
  'memory|usage': 'reads the size of the routed key',
  info: 'answered by padda itself',
  'command|info': 'read-only description of commands, the same on every server',
  'command|docs': 'as command|info',
  'command|list': 'as command|info',
  command: 'as command|info',
  'command|count': 'answered by padda itself',
  'command|getkeys': 'answered by padda itself',
};

function everyCommand(): RedisCommand[] {
  return redisCommands.commands.flatMap((c) => [c, ...(c.subcommands?.commands ?? [])]);
}

test('every admin, dangerous, server or cluster command is refused unless reviewed', () => {
  const unreviewed: string[] = [];
  for (const command of everyCommand()) {
    const { flags, aclCategories, group } = command.info;
    const risky = flags.includes('admin') || aclCategories.includes('dangerous') || group === 'server' || group === 'cluster';
    const kind = commandKind(command);
    if (!risky || kind === Kind.UNSUPPORTED || kind === Kind.REACHING) continue;
    if (kind === Kind.LOCAL && !command.name.startsWith('command')) continue;
    if (REVIEWED[command.name] === undefined) unreviewed.push(`${command.name} (kind ${kind})`);
  }
  assert.deepEqual(unreviewed, []);
});

test('the commands the issue names are all refused, keyed or not', () => {
  for (const name of ['migrate', 'move', 'swapdb', 'replicaof', 'slaveof', 'failover', 'debug', 'module|load', 'acl|setuser', 'client|kill', 'shutdown', 'config|set', 'flushall', 'monitor', 'sync', 'psync', 'cluster|meet', 'script|flush']) {
    const [container, sub] = name.split('|');
    const top = redisCommands.commands.find((c) => c.name === container)!;
    const command = sub === undefined ? top : top.subcommands!.commands.find((c) => c.name === name)!;
    assert.ok(command, name);
    assert.ok([Kind.UNSUPPORTED, Kind.REACHING].includes(commandKind(command) as 9 | 10), name);
  }
});

function scan(text: string): RequestScanner {
  const scanner = new RequestScanner();
  scanner.push(Buffer.from(`${text}\r\n`));
  assert.equal(scanner.next(), true);
  return scanner;
}

test('COPY is refused only with its DB option; allow_commands lifts a refusal', () => {
  const strict = new ReachPolicy([]);
  const refused = (text: string, policy = strict) => {
    const args = scan(text);
    return policy.refusal(findCommand(args)!, args) !== null;
  };
  assert.equal(refused('COPY a b'), false);
  assert.equal(refused('COPY a b REPLACE'), false);
  assert.equal(refused('COPY a b db 2'), true);
  assert.equal(refused('COPY a b REPLACE Db 2'), true);
  assert.equal(refused('COPY db dbx'), false, 'keys named db are not the option');
  assert.equal(refused('MOVE k 1'), true);
  assert.equal(refused('MOVE k 1', new ReachPolicy(['move'])), false);
  assert.equal(refused('MIGRATE h 1 k 0 10', new ReachPolicy(['move'])), true);
  assert.equal(refused('GET k'), false);
});
