import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { get, startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

/** redis_auth and redis_db against servers that require a password: clients AUTH with padda, padda AUTHs and SELECTs with the servers. */
let shards: RunningServer[];
let padda: PaddaProcess;
let good: number;
let wrong: number;
let admin: number;

const clientOf = (port: number) => new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });

before(async () => {
  shards = await Promise.all([startRedis({ args: ['--requirepass', 'secret'] }), startRedis({ args: ['--requirepass', 'secret'] })]);
  [good, wrong, admin] = (await freePorts(3)) as [number, number, number];
  const pool = (name: string, port: number, password: string) => `  ${name}:
    mode: redis
    listen: 127.0.0.1:${port}
    redis_auth: ${password}
    redis_db: 2
    timeout: 1000
    servers:
${shards.map((s) => `      - 127.0.0.1:${s.port}:1`).join('\n')}
`;
  padda = startPadda(`admin: { listen: 127.0.0.1:${admin} }\nlisteners:\n${pool('good', good, 'secret')}${pool('wrong', wrong, 'not-the-servers-password')}`);
  await waitForStatus(`http://127.0.0.1:${admin}/healthz`);
});

after(async () => {
  await padda?.stop();
  await Promise.all((shards ?? []).map((s) => s.stop()));
});

test('a client must AUTH with redis_auth; wrong passwords and users are refused with Redis\'s texts', async () => {
  const client = clientOf(good);
  await client.connect();
  try {
    await assert.rejects(client.get('k'), /^ReplyError: NOAUTH Authentication required\./);
    await assert.rejects(client.auth('wrong'), /WRONGPASS invalid username-password pair or user is disabled\./);
    await assert.rejects(client.auth('someone', 'secret'), /WRONGPASS/);
    assert.equal(await client.auth('default', 'secret'), 'OK');
    assert.equal(await client.auth('secret'), 'OK');
  } finally {
    client.disconnect();
  }
});

test('padda authenticates and selects redis_db on every server connection', async () => {
  const client = clientOf(good);
  await client.connect();
  const keys = Array.from({ length: 20 }, () => randomBytes(5).toString('hex'));
  try {
    await client.auth('secret');
    for (const key of keys) assert.equal(await client.set(key, 'v'), 'OK');
    assert.equal(await client.select(2), 'OK');
    await assert.rejects(client.call('SELECT', '0'), /SELECT is not allowed in proxy mode: this listener serves db 2/);
  } finally {
    client.disconnect();
  }
  let inDb2 = 0;
  for (const shard of shards) {
    const direct = new Redis({ host: '127.0.0.1', port: shard.port, password: 'secret' });
    assert.equal(await direct.exists(...keys), 0, 'nothing was written to db 0');
    await direct.select(2);
    inDb2 += await direct.exists(...keys);
    direct.disconnect();
  }
  assert.equal(inDb2, keys.length);
});

test('servers refusing padda\'s AUTH fail that connection with the server\'s reason, counted against the server', async () => {
  const client = clientOf(wrong);
  await client.connect();
  try {
    await client.auth('not-the-servers-password');
    await assert.rejects(client.get('k'), /^ReplyError: ERR Permission denied \(127\.0\.0\.1:\d+:1: AUTH refused: WRONGPASS/);
  } finally {
    client.disconnect();
  }
  const metrics = (await get(`http://127.0.0.1:${admin}/metrics`)).body;
  assert.match(metrics, /padda_server_errors_total\{listener="wrong",server="127\.0\.0\.1:\d+:1",reason="handshake"\} [1-9]/);
});
