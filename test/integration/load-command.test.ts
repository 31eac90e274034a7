import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startPadda, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;

test('padda load drives autocannon at a listener and at its upstream in one run, and prints them side by side', async () => {
  const [admin, app, web] = (await freePorts(3)) as [number, number, number];
  const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: hi }
  web: { mode: sidecar, listen: 127.0.0.1:${web}, upstream: http://127.0.0.1:${app} }
`);
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'load', '-c', padda.configPath, '--listener', 'web', '--duration', '1', '--connections', '2'], { timeout: 60_000 });
    assert.match(stdout, new RegExp(`padda web \\(http://127\\.0\\.0\\.1:${web}/\\)\\s+upstream \\(http://127\\.0\\.0\\.1:${app}/\\)`));
    for (const row of ['req/s', 'latency p50', 'latency p90', 'latency p99', 'latency max', 'errors', 'non-2xx', 'throughput']) {
      assert.match(stdout, new RegExp(`^${row} +\\S`, 'm'));
    }
    assert.match(stdout, /^errors +0 +0$/m);
    assert.match(stdout, /^padda \/ upstream: \d+\.\d+x the requests per second$/m);
  } finally {
    await padda.stop();
  }
});
