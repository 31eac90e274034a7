import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCommand, redisCommands } from '../../../src/protocols/resp/commands/command-table.ts';
import { KeyPositions } from '../../../src/protocols/resp/commands/key-positions.ts';
import { commandFrom } from '../../support/resp-collect.ts';
import { KEY_CASES } from './key-cases.ts';

const keys = new KeyPositions();

/** The key arguments of a command line (split on spaces), as strings. */
function keysOf(line: string, includeNotKeys = false): string[] {
  const args = line.split(' ');
  const scanned = commandFrom(args);
  const command = findCommand(scanned);
  assert.ok(command, `known command: ${line}`);
  const count = keys.find(command, scanned, includeNotKeys);
  return Array.from(keys.indexes.subarray(0, count), (i) => args[i]);
}

describe('key positions by command family', () => {
  for (const [family, rows] of Object.entries(KEY_CASES)) {
    it(family, () => {
      for (const [line, expected] of rows) assert.deepEqual(keysOf(line), expected, line);
    });
  }

  it('returns shard channels when asked for, to route sharded pub/sub', () => {
    assert.deepEqual(keysOf('SPUBLISH ch m', true), ['ch']);
    assert.deepEqual(keysOf('SSUBSCRIBE a b', true), ['a', 'b']);
  });

  it('compares option words as C strings, like Redis: a NUL ends them', () => {
    const args = ['SORT', 'k1', 'STORE\0junk', 'd1'];
    const scanned = commandFrom(args);
    const count = keys.find(findCommand(scanned)!, scanned);
    assert.deepEqual(Array.from(keys.indexes.subarray(0, count)), [1, 3]);
  });

  it('never returns an index past the arguments, whatever the argument count', () => {
    for (const command of redisCommands.commands.flatMap((c) => [c, ...(c.subcommands?.commands ?? [])])) {
      const name = command.name.split('|');
      for (let extra = 0; extra < 8; extra++) {
        for (const filler of ['1', '2', 'keys', 'streams', 'store']) {
          const args = [...name, ...Array.from({ length: extra }, () => filler)];
          const scanned = commandFrom(args);
          const count = keys.find(command, scanned, true);
          for (let i = 0; i < count; i++) assert.ok(keys.indexes[i] >= 1 && keys.indexes[i] < args.length, `${args.join(' ')}`);
        }
      }
    }
  });
});
