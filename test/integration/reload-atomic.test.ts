import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { getOnce } from '../support/load.ts';
import { get, startPadda, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

/** A plain server holding a port, as a stale process would. */
async function holdPort(port: number): Promise<net.Server> {
  const blocker = net.createServer().listen(port, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  return blocker;
}

for (const workers of [1, 2]) {
  describe(`a reload is all or nothing (workers: ${workers})`, () => {
    test('one listener that cannot bind fails the whole reload: nothing removed, added or moved, and log, /stats, /config and /ready agree', async () => {
      const [admin, app, gone, fresh, taken] = (await freePorts(5)) as [number, number, number, number, number];
      const blocker = await holdPort(taken);
      const before = `
admin: { listen: 127.0.0.1:${admin} }
workers: ${workers}
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: app-v1 }
  gone: { mode: respond, listen: 127.0.0.1:${gone}, body: gone-v1 }
`;
      // Removes "gone", adds "fresh" on a free port, changes "app", and adds "late" on a port another process holds.
      const after = `
admin: { listen: 127.0.0.1:${admin} }
workers: ${workers}
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: app-v2 }
  fresh: { mode: respond, listen: 127.0.0.1:${fresh}, body: fresh }
  late: { mode: respond, listen: 127.0.0.1:${taken}, body: late }
`;
      const padda = startPadda(before);
      try {
        await waitForStatus(`http://127.0.0.1:${admin}/ready`);
        const since = padda.logs().length;
        padda.writeConfig(after);
        const failed = await padda.waitForLog(/^reload failed; still serving the previous config$/, since);
        assert.match(String(failed.err), new RegExp(`listener late: cannot listen on 127\\.0\\.0\\.1:${taken}: EADDRINUSE`));
        assert.equal(padda.logs().slice(since).filter((l) => /^listener (started|stopped|reloaded)$/.test(String(l.msg))).length, 0);

        assert.equal((await getOnce(app)).body, 'app-v1');
        assert.equal((await getOnce(gone)).body, 'gone-v1');
        await assert.rejects(getOnce(fresh), /ECONNREFUSED/);
        const ready = await get(`http://127.0.0.1:${admin}/ready`);
        assert.equal(ready.status, 200, ready.body);
        const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body);
        assert.equal(stats.last_reload.result, 'failed');
        assert.deepEqual(Object.keys(stats.listeners).sort(), ['app', 'gone']);
        const shown = JSON.parse((await get(`http://127.0.0.1:${admin}/config`)).body);
        assert.deepEqual(Object.keys(shown.listeners).sort(), ['app', 'gone']);
        assert.equal(shown.listeners.app.body, 'app-v1');

        // Once the port is free, the same file applies in full.
        await new Promise((resolve) => blocker.close(resolve));
        const since2 = padda.logs().length;
        padda.signal('SIGHUP');
        await padda.waitForLog(/^config reloaded$/, since2);
        assert.equal((await getOnce(app)).body, 'app-v2');
        assert.equal((await getOnce(fresh)).body, 'fresh');
        assert.equal((await getOnce(taken)).body, 'late');
        await assert.rejects(getOnce(gone), /ECONNREFUSED/);
        await waitForStatus(`http://127.0.0.1:${admin}/ready`);
      } finally {
        blocker.close();
        await padda.stop();
      }
    });
  });
}

test('a renamed listener keeps its socket: the port never stops accepting', async () => {
  const [admin, port] = (await freePorts(2)) as [number, number];
  const config = (name: string) => `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  ${name}: { mode: respond, listen: 127.0.0.1:${port}, body: ${name} }
`;
  const padda = startPadda(config('old-name'));
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    const since = padda.logs().length;
    padda.writeConfig(config('new-name'));
    await padda.waitForLog(/^config reloaded$/, since);
    assert.equal((await getOnce(port)).body, 'new-name');
    const stats = JSON.parse((await get(`http://127.0.0.1:${admin}/stats`)).body);
    assert.deepEqual(Object.keys(stats.listeners), ['new-name']);
    assert.doesNotMatch((await get(`http://127.0.0.1:${admin}/metrics`)).body, /listener="old-name"/);
  } finally {
    await padda.stop();
  }
});
