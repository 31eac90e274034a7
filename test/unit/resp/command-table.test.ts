import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandFlag } from '../../../src/protocols/resp/commands/command-flags.ts';
import { commandTableSource, findCommand, redisCommands } from '../../../src/protocols/resp/commands/command-table.ts';
import { commandFrom } from '../../support/resp-collect.ts';

const find = (...args: string[]) => findCommand(commandFrom(args));

describe('command table', () => {
  it('is the complete Redis 7.0 table', () => {
    assert.match(commandTableSource, /^redis-server 7\.0\./);
    assert.equal(redisCommands.commands.length, 240);
  });

  it('finds every command and subcommand by its name in any letter case', () => {
    for (const command of redisCommands.commands) {
      assert.equal(find(command.name.toUpperCase()), command);
      for (const sub of command.subcommands?.commands ?? []) {
        assert.equal(find(command.name, sub.name.split('|')[1].toUpperCase(), 'x'), sub, sub.name);
      }
    }
  });

  it('resolves subcommands as lookupCommand does', () => {
    assert.equal(find('config', 'GET', 'maxmemory')?.name, 'config|get');
    assert.equal(find('CONFIG')?.name, 'config', 'a container alone is the container');
    assert.equal(find('config', 'nosuch'), undefined, 'an unknown subcommand is unknown');
    assert.equal(find('xinfo', 'stream', 'k')?.name, 'xinfo|stream');
    assert.equal(find('get', 'k')?.name, 'get', 'arguments of a plain command are not subcommands');
  });

  it('does not match names that only share a prefix or fold non-letters', () => {
    assert.equal(find('ge'), undefined);
    assert.equal(find('gett'), undefined);
    assert.equal(find('get\0'), undefined);
    assert.equal(find(''), undefined);
    assert.equal(find('m\x01et'), undefined);
  });

  it('carries flags, group and arity', () => {
    const get = find('get')!;
    assert.ok(get.flags & CommandFlag.READONLY && get.flags & CommandFlag.FAST);
    assert.ok(!(get.flags & CommandFlag.WRITE));
    assert.ok(find('set')!.flags & CommandFlag.WRITE);
    assert.ok(find('blpop')!.flags & CommandFlag.BLOCKING);
    assert.ok(find('subscribe')!.flags & CommandFlag.PUBSUB);
    assert.ok(find('eval')!.flags & CommandFlag.MOVABLEKEYS);
    assert.equal(find('multi')!.group, 'transactions');
    assert.equal(find('hset')!.group, 'hash');
    assert.ok(get.acceptsArgc(2) && !get.acceptsArgc(3));
    const mset = find('mset')!;
    assert.ok(mset.acceptsArgc(3) && mset.acceptsArgc(5) && !mset.acceptsArgc(2));
  });
});
