/**
 * Commands that act beyond the pool — MIGRATE to another host, MOVE and
 * COPY … DB to another database — are refused by default, inside MULTI too,
 * and forwarded only when the listener's allow_commands lists them. Checked
 * on real redis-servers: the "elsewhere" server MIGRATE names never gets the
 * key, and the key never leaves db 0.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

let shard: RunningServer;
let elsewhere: RunningServer;
let padda: PaddaProcess;
let strict = 0;
let lenient = 0;
let admin = 0;
const clients: Redis[] = [];

const client = (port: number): Redis => {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableReadyCheck: false });
  clients.push(redis);
  return redis;
};

before(async () => {
  [shard, elsewhere] = await Promise.all([startRedis(), startRedis()]);
  [strict, lenient, admin] = (await freePorts(3)) as [number, number, number];
  const pool = (name: string, port: number, extra: string) => `  ${name}:
    mode: redis
    listen: 127.0.0.1:${port}
    timeout: 1000
    hash_tag: "{}"${extra}
    servers: [127.0.0.1:${shard.port}:1]
`;
  padda = startPadda(`admin: { listen: 127.0.0.1:${admin} }\nlisteners:\n${pool('strict', strict, '')}${pool('lenient', lenient, '\n    allow_commands: [move, copy]')}`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});

after(async () => {
  for (const redis of clients) redis.disconnect();
  await padda?.stop();
  await Promise.all([shard?.stop(), elsewhere?.stop()]);
});

test('MIGRATE to another host is refused and the other host never gets the key, in either form', async () => {
  const redis = client(strict);
  await redis.set('secret', 'value');
  await assert.rejects(redis.call('MIGRATE', '127.0.0.1', String(elsewhere.port), 'secret', '0', '2000', 'COPY'),
    /^ReplyError: ERR command 'migrate' is refused in proxy mode: it makes the server connect to another host/);
  await assert.rejects(redis.call('MIGRATE', '127.0.0.1', String(elsewhere.port), '', '0', '2000', 'COPY', 'KEYS', 'secret'), /refused in proxy mode/);
  const other = new Redis({ host: '127.0.0.1', port: elsewhere.port });
  clients.push(other);
  assert.equal(await other.dbsize(), 0);
  assert.equal(await redis.get('secret'), 'value', 'the client goes on; the refusal closes nothing');
});

test('MOVE and COPY … DB are refused; COPY within the database is forwarded', async () => {
  const redis = client(strict);
  await redis.set('{t}a', '1');
  await assert.rejects(redis.call('MOVE', '{t}a', '1'), /ERR command 'move' is refused in proxy mode: it moves a key out of the database/);
  await assert.rejects(redis.call('COPY', '{t}a', '{t}b', 'db', '1'), /ERR command 'copy' is refused in proxy mode: its DB option/);
  await assert.rejects(redis.call('COPY', '{t}a', '{t}b', 'REPLACE', 'DB', '1'), /refused in proxy mode/);
  assert.equal(await redis.call('COPY', '{t}a', '{t}b', 'REPLACE'), 1);
  const direct = new Redis({ host: '127.0.0.1', port: shard.port });
  clients.push(direct);
  await direct.select(1);
  assert.equal(await direct.dbsize(), 0, 'nothing reached db 1');
});

test('a refused command inside MULTI aborts the transaction, as Redis does for commands it refuses while queueing', async () => {
  const redis = client(strict);
  await redis.set('{m}k', 'kept');
  const results = await redis.multi().set('{m}k', 'changed').call('MOVE', '{m}k', '1').exec().catch((error: Error) => error);
  assert.match(String(results), /EXECABORT/);
  assert.equal(await redis.get('{m}k'), 'kept');
});

test('allow_commands forwards the commands it lists, and only those', async () => {
  const redis = client(lenient);
  await redis.set('{l}a', 'x');
  assert.equal(await redis.call('COPY', '{l}a', '{l}b', 'DB', '3'), 1);
  assert.equal(await redis.call('MOVE', '{l}a', '4'), 1);
  await assert.rejects(redis.call('MIGRATE', '127.0.0.1', String(elsewhere.port), '{l}b', '0', '2000', 'COPY'), /refused in proxy mode/);
  const direct = new Redis({ host: '127.0.0.1', port: shard.port });
  clients.push(direct);
  await direct.select(3);
  assert.equal(await direct.get('{l}b'), 'x');
  await direct.select(4);
  assert.equal(await direct.get('{l}a'), 'x');
});

test('allow_commands takes only the commands padda refuses, and says which', async () => {
  const { spawnSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const path = `${padda.dir}/bad.yaml`;
  fs.writeFileSync(path, `listeners:\n  r:\n    mode: redis\n    listen: 127.0.0.1:1\n    allow_commands: [flushall]\n    servers: [127.0.0.1:2:1]\n`);
  const check = spawnSync(process.execPath, [new URL('../../../bin/padda', import.meta.url).pathname, 'check', '--config', path], { encoding: 'utf8' });
  assert.equal(check.status, 2);
  assert.match(check.stderr + check.stdout, /bad\.yaml:5:\d+ listeners\.r\.allow_commands\[0\]: .*migrate.*move.*copy/);
});
