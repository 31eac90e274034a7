import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

/** redis_auth_user: servers whose default user is off, and an ACL user padda authenticates as (AUTH user pass). */
let server: RunningServer;
let padda: PaddaProcess;
let good: number;
let unknown: number;

const clientOf = (port: number) => new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });

before(async () => {
  server = await startRedis({ args: ['--user', 'default', 'off', '--user', 'app', 'on', '>s3cret', '~*', '&*', '+@all'] });
  let admin: number;
  [good, unknown, admin] = (await freePorts(3)) as [number, number, number];
  const pool = (name: string, port: number, user: string) => `  ${name}:
    mode: redis
    listen: 127.0.0.1:${port}
    redis_auth: s3cret
    redis_auth_user: ${user}
    timeout: 1000
    servers: [127.0.0.1:${server.port}:1]
`;
  padda = startPadda(`admin: { listen: 127.0.0.1:${admin} }\nlisteners:\n${pool('good', good, 'app')}${pool('unknown', unknown, 'nobody')}`);
  await waitForStatus(`http://127.0.0.1:${admin}/healthz`, 200, 30_000);
});

after(async () => {
  await padda?.stop();
  await server?.stop();
});

test('padda authenticates to servers as the ACL user; a client AUTHs with the password, as that user or the default one', async () => {
  const client = clientOf(good);
  await client.connect();
  try {
    await assert.rejects(client.get('k'), /NOAUTH/);
    await assert.rejects(client.auth('someone', 's3cret'), /WRONGPASS/);
    assert.equal(await client.auth('app', 's3cret'), 'OK');
    assert.equal(await client.auth('s3cret'), 'OK');
    assert.equal(await client.set('acl-key', 'v'), 'OK');
    assert.equal(await client.get('acl-key'), 'v');
  } finally {
    client.disconnect();
  }
  // The server saw the ACL user, not the default one (which is off).
  const direct = new Redis({ host: '127.0.0.1', port: server.port, username: 'app', password: 's3cret' });
  try {
    assert.equal(await direct.get('acl-key'), 'v');
  } finally {
    direct.disconnect();
  }
});

test('a user the servers do not know: every command answers the refused handshake, as Redis words it', async () => {
  const client = clientOf(unknown);
  await client.connect();
  try {
    await client.auth('s3cret');
    await assert.rejects(client.get('k'), /^ReplyError: ERR Permission denied \(127\.0\.0\.1:\d+:1: AUTH refused: WRONGPASS/);
  } finally {
    client.disconnect();
  }
});
