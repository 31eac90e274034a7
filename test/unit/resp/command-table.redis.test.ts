/**
 * The committed command table and padda's key finding, checked against a
 * live redis-server: COMMAND INFO/DOCS must produce the committed JSON, and
 * COMMAND GETKEYS (the server's own key finding) must name the same keys as
 * padda for the family cases and for a sweep over every command.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { formatCommandTable, readCommandTable } from '../../../src/protocols/resp/commands/command-info.ts';
import { findCommand, redisCommands, type RedisCommand } from '../../../src/protocols/resp/commands/command-table.ts';
import { KeyPositions } from '../../../src/protocols/resp/commands/key-positions.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';
import { commandFrom } from '../../support/resp-collect.ts';
import { KEY_CASES } from './key-cases.ts';

const TABLE = new URL('../../../src/protocols/resp/commands/redis-commands.json', import.meta.url);

describe('command table vs redis-server', () => {
  let server: RunningServer;
  let client: Redis;
  const keys = new KeyPositions();

  before(async () => {
    server = await startRedis();
    client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
  });
  after(async () => {
    client?.disconnect();
    await server?.stop();
  });

  /** COMMAND GETKEYS for each argument list; [] where the server finds no keys. */
  async function serverKeys(argLists: readonly string[][]): Promise<string[][]> {
    const pipeline = client.pipeline();
    for (const args of argLists) pipeline.call('COMMAND', 'GETKEYS', ...args);
    const results = (await pipeline.exec())!;
    return results.map(([error, found], i) => {
      if (error === null) return found as string[];
      assert.match(error.message, /no key arguments|Invalid arguments specified/, argLists[i].join(' '));
      return [];
    });
  }

  function paddaKeys(args: readonly string[]): string[] {
    const scanned = commandFrom(args);
    const command = findCommand(scanned);
    assert.ok(command, args.join(' '));
    const count = keys.find(command, scanned);
    return Array.from(keys.indexes.subarray(0, count), (i) => args[i]);
  }

  it('the committed table is what COMMAND INFO and COMMAND DOCS say', async () => {
    const live = formatCommandTable(await readCommandTable(client));
    assert.equal(await readFile(TABLE, 'utf8'), live, 'regenerate with: npx node src/protocols/resp/commands/generate.ts');
  });

  it('COMMAND GETKEYS agrees with every family case', async () => {
    // COMMAND GETKEYS cannot be asked about a command without arguments (MULTI, PING).
    const rows = Object.values(KEY_CASES).flat().filter(([line]) => line.includes(' '));
    const found = await serverKeys(rows.map(([line]) => line.split(' ')));
    rows.forEach(([line, expected], i) => {
      assert.deepEqual(found[i], expected, `redis: ${line}`);
      assert.deepEqual(paddaKeys(line.split(' ')), expected, `padda: ${line}`);
    });
  });

  it('COMMAND GETKEYS agrees with padda for every command, argument count and argument shape', async () => {
    const shapes: ((i: number, length: number) => string)[] = [
      (i) => `a${i}`,
      () => '2',
      (i) => (i === 0 ? '1' : `a${i}`),
      (i, length) => (i === length - 3 ? 'STREAMS' : `a${i}`),
      (i) => (i % 2 === 1 ? 'STORE' : `a${i}`),
      (i, length) => (i === 1 ? '' : i === length - 3 ? 'KEYS' : `a${i}`),
    ];
    const leaves = redisCommands.commands.flatMap((c): RedisCommand[] => c.subcommands?.commands.slice() ?? [c]);
    const argLists: string[][] = [];
    for (const command of leaves) {
      const name = command.name.split('|');
      const minimum = Math.abs(command.arity);
      const lengths = command.arity > 0 ? [minimum] : [minimum, minimum + 1, minimum + 2, minimum + 3, minimum + 5];
      for (const length of lengths) {
        const rest = length - name.length;
        // COMMAND GETKEYS itself needs a command with at least one argument.
        if (length < 2) continue;
        for (const shape of shapes) argLists.push([...name, ...Array.from({ length: rest }, (_, i) => shape(i, rest))]);
      }
    }
    const found = await serverKeys(argLists);
    const differences = argLists.filter((args, i) => JSON.stringify(paddaKeys(args)) !== JSON.stringify(found[i]));
    assert.deepEqual(differences, [], `${argLists.length} commands compared`);
  });

  it('COMMAND GETKEYS also reads option words as C strings', async () => {
    const args = ['SORT', 'k1', 'STORE\0junk', 'd1'];
    assert.deepEqual(await serverKeys([args]), [['k1', 'd1']]);
    assert.deepEqual(paddaKeys(args), ['k1', 'd1']);
  });
});
