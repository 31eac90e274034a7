/**
 * Consistent hashing's promise, measured with 100k real requests: growing
 * from 10 to 11 shards by reload moves between 1/11 and 1.2/11 of the keys,
 * and every key that moves goes to the new shard. The shards are nginx
 * servers answering their name.
 *
 * How much lands on a new shard of a ring with 160 points per weight depends
 * on its name (about ±8 %), so the shards are named, not placed by their
 * random test ports: the measurement is the same on every run (ketama_nginx
 * over shard-0 … shard-10 moves 1.077/11 of these keys).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { namedBackends, sendAll } from '../../support/http-load.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';

const KEYS = 100_000;
let nginx: RunningServer;
let padda: PaddaProcess;
let admin = 0;
let router = 0;
let shards: number[] = [];

const config = (count: number) => `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  router:
    mode: shard-router
    listen: 127.0.0.1:${router}
    key: $request_uri
    shards:
${shards.slice(0, count).map((port, i) => `      - { name: shard-${i}, replicas: [http://127.0.0.1:${port}] }`).join('\n')}
`;

before(async () => {
  [admin, router, ...shards] = await freePorts(13);
  nginx = await startNginx(namedBackends(shards.map((port, i) => [`shard-${i}`, port] as const)));
  padda = startPadda(config(10));
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});
after(async () => {
  await padda?.stop();
  await nginx?.stop();
});

test(`10 → 11 shards by reload moves between 1/11 and 1.2/11 of ${KEYS} keys, all to the new shard`, { timeout: 300_000 }, async () => {
  const requests = Array.from({ length: KEYS }, (_, i) => ({ path: `/item/${i}?v=${i % 97}` }));
  const before10 = await sendAll(router, requests, 16);
  assert.ok(before10.every((a) => a.status === 200));
  assert.equal(new Set(before10.map((a) => a.body)).size, 10);
  const since = padda.logs().length;
  padda.writeConfig(config(11));
  await padda.waitForLog(/reload/i, since);
  const after11 = await sendAll(router, requests, 16);
  const moved = after11.filter((a, i) => a.body !== before10[i]!.body);
  assert.ok(moved.every((a) => a.body === 'shard-10'), 'keys move only to the new shard');
  const share = moved.length / KEYS;
  assert.ok(share >= 1 / 11 && share <= 1.2 / 11, `${moved.length} of ${KEYS} keys moved (${(share * 11).toFixed(3)}/11)`);
});
