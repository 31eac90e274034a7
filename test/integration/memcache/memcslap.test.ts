/**
 * memcslap (libmemcached's load generator, a real C client) through padda
 * over three shards: set, get and mget, blocking and buffered/non-blocking,
 * with and without noreply. memcslap does not check values, so padda's own
 * counters must show every request served and no server error.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { shardEntries, startMemcachePadda, startShards, type MemcachePadda } from '../../support/memcache-padda.ts';
import { get } from '../../support/padda.ts';
import type { RunningServer } from '../../support/servers.ts';

const run = promisify(execFile);

describe('memcslap through padda', () => {
  let shards: RunningServer[] = [];
  let proxy: MemcachePadda;
  before(async () => {
    shards = await startShards(3);
    proxy = await startMemcachePadda(shardEntries(shards), ['timeout: 2000']);
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all(shards.map((s) => s.stop()));
  });

  const runs: Array<[string, string[]]> = [
    ['set', ['-t', 'set']],
    ['get', ['-t', 'get']],
    ['mget', ['-t', 'mget']],
    ['buffered non-blocking get', ['-t', 'get', '-B', '-n']],
    ['noreply set', ['-t', 'set', '-R']],
  ];
  for (const [name, args] of runs) {
    it(name, async () => {
      const { stdout } = await run('memcslap', ['-s', `127.0.0.1:${proxy.port}`, '-c', '10', '-e', '1000', ...args], { timeout: 60_000 });
      assert.match(stdout, /Time total:/);
    });
  }

  it('served every request without a server error', async () => {
    const { body } = await get(`http://127.0.0.1:${proxy.adminPort}/metrics`);
    const count = (command: string) => Number(new RegExp(`padda_memcache_commands_total\\{listener="cache",command="${command}"\\} (\\d+)`).exec(body)?.[1] ?? 0);
    assert.ok(count('set') >= 20_000, `sets: ${count('set')}`);
    assert.ok(count('get') >= 20_000, `gets: ${count('get')}`);
    assert.doesNotMatch(body, /padda_server_errors_total/);
    // memcslap resets its connections when it is done: counted (as nutcracker's client_err), but no error of padda's.
    assert.doesNotMatch(body, /padda_listener_errors_total\{[^}]*reason="(?!client_reset")/);
  });
});
