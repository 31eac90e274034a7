import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getOnce } from '../support/load.ts';
import { get, startPadda, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

/** Polls `url` until its body matches: /ready says "workers not answering" while they start. */
async function waitForBody(url: string, match: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await get(url)).body;
    if (match.test(last)) return;
    await sleep(50);
  }
  assert.fail(`${url} never matched ${match}; last: ${last}`);
}

function config(admin: number, port: number, workers: number, body: string): string {
  return `
admin: { listen: 127.0.0.1:${admin} }
workers: ${workers}
listeners:
  app: { mode: respond, listen: 127.0.0.1:${port}, body: ${body} }
`;
}

// SO_REUSEPORT lets any process of the same user join a port; only padda's own workers may.
for (const [first, second] of [[1, 1], [2, 2]] as const) {
  test(`a second padda (workers: ${second}) on the port of a running one (workers: ${first}) gets EADDRINUSE, and takes none of its connections`, async () => {
    const [adminA, adminB, port] = (await freePorts(3)) as [number, number, number];
    const a = startPadda(config(adminA, port, first, 'first'));
    const b = { padda: null as ReturnType<typeof startPadda> | null };
    try {
      await waitForStatus(`http://127.0.0.1:${adminA}/ready`, 200, 20_000);
      b.padda = startPadda(config(adminB, port, second, 'second'));
      await waitForStatus(`http://127.0.0.1:${adminB}/healthz`, 200, 20_000);
      const reason = new RegExp(`listener app: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`);
      await waitForBody(`http://127.0.0.1:${adminB}/ready`, reason);
      const ready = await get(`http://127.0.0.1:${adminB}/ready`);
      assert.equal(ready.status, 503);
      assert.match(ready.body, reason);
      for (let i = 0; i < 40; i++) assert.equal((await getOnce(port)).body, 'first');
      assert.equal((await get(`http://127.0.0.1:${adminA}/ready`)).status, 200);

      // Like any port in use, it is retried: once the first padda is gone, the second binds it.
      await a.stop();
      await waitForStatus(`http://127.0.0.1:${adminB}/ready`, 200, 20_000);
      assert.equal((await getOnce(port)).body, 'second');
    } finally {
      await a.stop();
      await b.padda?.stop();
    }
  });
}
