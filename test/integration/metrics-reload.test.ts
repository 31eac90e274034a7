import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { get, startPadda, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

async function metrics(admin: number): Promise<string> {
  return (await get(`http://127.0.0.1:${admin}/metrics`)).body;
}

test('a reload that removes a server or a variant removes its series; the rest keep counting', async () => {
  const [admin, cache, a, b, split, web, beta] = (await freePorts(7)) as number[];
  const config = (servers: number[], variants: number[]) => `
admin: { listen: 127.0.0.1:${admin} }
drain_timeout: 1s
listeners:
  cache: { mode: redis, listen: 127.0.0.1:${cache}, servers: [${servers.map((p) => `"127.0.0.1:${p}:1"`).join(', ')}] }
  split:
    mode: split
    listen: 127.0.0.1:${split}
    variants: [${variants.map((p) => `{ name: v${p}, upstream: "127.0.0.1:${p}" }`).join(', ')}]
`;
  const padda = startPadda(config([a!, b!], [web!, beta!]));
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/healthz`);
    const before = await metrics(admin!);
    assert.match(before, new RegExp(`server="127\\.0\\.0\\.1:${b}:1"`));
    assert.match(before, new RegExp(`variant="v${beta}"`));
    const since = padda.logs().length;
    padda.writeConfig(config([a!], [web!]));
    await padda.waitForLog(/^config reloaded$/, since);
    // The old handlers drain (nothing is in flight here), then their series go.
    let after = '';
    for (let i = 0; i < 100; i++) {
      after = await metrics(admin!);
      if (!after.includes(`:${b}:1"`) && !after.includes(`v${beta}"`)) break;
      await sleep(50);
    }
    assert.doesNotMatch(after, new RegExp(`server="127\\.0\\.0\\.1:${b}:1"`));
    assert.doesNotMatch(after, new RegExp(`variant="v${beta}"`));
    assert.match(after, new RegExp(`server="127\\.0\\.0\\.1:${a}:1"`));
    assert.match(after, new RegExp(`variant="v${web}"`));
    assert.match(after, /^padda_listener_connections_total\{listener="cache",mode="redis"\} \d+$/m);
  } finally {
    await padda.stop();
  }
});

test('event-loop delay is a histogram no scrape resets, and server ejection is a timestamp in seconds; promtool finds nothing', async () => {
  const [admin, cache, dead] = (await freePorts(3)) as number[];
  const padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  cache: { mode: redis, listen: 127.0.0.1:${cache}, auto_eject_hosts: true, server_failure_limit: 1, servers: ["127.0.0.1:${dead}:1"] }
`);
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/healthz`);
    await sleep(300);
    const count = (body: string) => Number(/^padda_event_loop_delay_seconds_count\{process="main"\} (\d+)$/m.exec(body)?.[1]);
    const first = count(await metrics(admin!));
    await sleep(300);
    const body = await metrics(admin!);
    assert.ok(count(body) > first && first > 0, `samples ${first} then ${count(body)}`);
    assert.doesNotMatch(body, /ejected_at_microseconds/);
    assert.match(body, /^# TYPE padda_server_ejected_timestamp_seconds gauge$/m);
    const lint = execFileSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(lint.trim(), '');
  } finally {
    await padda.stop();
  }
});
