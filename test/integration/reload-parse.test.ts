import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { get, startPadda, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';

/** Sequential keep-alive GETs until stopped; returns when each answer arrived. */
function pollAnswers(port: number): { stop(): Promise<number[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const answered: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', () => {
          answered.push(Date.now());
          // A paced client: enough answers to see a stall, without taking the CPU the parse needs.
          setTimeout(resolve, 10);
        })).on('error', () => resolve());
      });
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return answered;
    },
  };
}

test('a reload keeps serving while a large config parses (the parse is off the serving thread)', async () => {
  const [admin, app] = (await freePorts(2)) as [number, number];
  const config = `
admin: { listen: 127.0.0.1:${admin} }
listeners:
  app: { mode: respond, listen: 127.0.0.1:${app}, body: up }
`;
  const padda = startPadda(config);
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
    // ~3.5 MB of valid listeners (under the 4 MiB cap) and one unknown key, so the reload is
    // rejected after the whole file was parsed and validated rather than applied.
    const lines = [config, 'unknown_top_key: 1'];
    for (let i = 0; i < 38_000; i++) lines.push(`  l${i}: { mode: respond, listen: 127.0.0.1:${20_000 + i}, body: "listener number ${i}" }`);
    const big = lines.join('\n').replace('unknown_top_key: 1\n', '') + '\nunknown_top_key: 1\n';
    const poll = pollAnswers(app);
    const since = padda.logs().length;
    const started = Date.now();
    padda.writeConfig(big);
    await padda.waitForLog(/^reload rejected; still serving the previous config$/, since, 120_000);
    const finished = Date.now();
    const answered = (await poll.stop()).filter((at) => at >= started && at <= finished);
    const gaps = answered.map((at, i) => at - (answered[i - 1] ?? started));
    const longest = Math.max(...gaps, finished - (answered.at(-1) ?? started));
    // The parse takes seconds; on the serving thread no answer could arrive until it ended.
    assert.ok(finished - started > 1_000, `the parse took only ${finished - started} ms: too short to tell`);
    assert.ok(longest < (finished - started) / 2, `no answer for ${longest} ms of a ${finished - started} ms parse`);
    assert.match(padda.output(), /config rejected: .*unknown_top_key/);
    assert.equal((await get(`http://127.0.0.1:${app}/`)).body, 'up');
  } finally {
    await padda.stop();
  }
});
