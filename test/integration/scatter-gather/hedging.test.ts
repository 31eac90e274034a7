/**
 * scatter-gather hedged requests, their budget, cancellation when the
 * client leaves, and a fan-out of 100 leaves, through a real padda over
 * real leaf servers; cancellation is checked on the leaf side.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { hang, json, startJsonLeaves, status, type JsonLeaf } from '../../support/json-leaf.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

const FANOUT = 100;

let pairs: JsonLeaf[][];
let many: JsonLeaf[];
let padda: PaddaProcess;
let admin: number;
const port: Record<string, number> = {};

before(async () => {
  // Four replicated leaves (two replicas each) for the hedging listeners, and 100 single leaves.
  pairs = await Promise.all([0, 1, 2, 3].map((i) => startJsonLeaves(2, () => json({ docs: [`pair-${i}`] }))));
  many = await startJsonLeaves(FANOUT, (i) => json({ docs: [`doc-${i}`] }));
  const names = ['fixed', 'broke', 'halved', 'percentile', 'fanout', 'fanout-partial'];
  const ports = await freePorts(names.length + 1);
  admin = ports.pop()!;
  names.forEach((name, i) => (port[name] = ports[i]!));
  const pair = (i: number) => `[{ name: pair-${i}, replicas: [${pairs[i]!.map((leaf) => leaf.url).join(', ')}] }]`;
  const hedged = (name: string, leaves: string, hedge: string) => `
  ${name}:
    mode: scatter-gather
    listen: 127.0.0.1:${port[name]}
    leaves: ${leaves}
    merge: { strategy: concat, path: docs }
    deadline: 3s
    hedge: ${hedge}`;
  const fanout = (name: string, extra: string) => `
  ${name}:
    mode: scatter-gather
    listen: 127.0.0.1:${port[name]}
    leaves: [${many.map((leaf) => leaf.url).join(', ')}]
    merge: { strategy: union, path: docs }
    deadline: 2s
    eject: { failures: 0 }${extra}`;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:${hedged('fixed', pair(0), '{ after: 100ms, max_extra: 100% }')}${hedged('broke', pair(1), '{ after: 10ms, max_extra: 0 }')}${hedged('halved', pair(2), '{ after: 10ms, max_extra: 50% }')}${hedged('percentile', pair(3), '{ after: p50, max_extra: 100% }')}${fanout('fanout', '')}${fanout('fanout-partial', '\n    partial: { min_leaves: 90 }')}
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await Promise.all([...pairs.flat(), ...many].map((leaf) => leaf.close()));
});

async function query(name: string) {
  const started = performance.now();
  const response = await request(`http://127.0.0.1:${port[name]}/search`);
  return { status: response.statusCode, headers: response.headers, text: await response.body.text(), ms: performance.now() - started };
}

async function counter(family: string, listener: string): Promise<number> {
  const text = await (await request(`http://127.0.0.1:${admin}/metrics`)).body.text();
  const match = new RegExp(`^${family}\\{listener="${listener}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

describe('hedged requests', () => {
  test('a slow replica is raced by the other after `after`; the hedge wins and the slow request is cancelled', async () => {
    const [slow, fast] = pairs[0]!;
    slow!.behave(json({ docs: ['slow'] }, 1000));
    fast!.behave(json({ docs: ['fast'] }, 5));
    for (let i = 0; i < 12; i++) {
      const got = await query('fixed');
      assert.equal(got.status, 200);
      assert.deepEqual(JSON.parse(got.text), { docs: ['fast'] });
      assert.ok(got.ms < 500, `${got.ms} ms: the hedge answered, not the slow replica`);
    }
    await sleep(50);
    const slowRequests = slow!.requests.length;
    assert.ok(slowRequests > 0, 'power-of-two-choices sent some first requests to the slow replica');
    assert.ok(slow!.requests.every((r) => r.aborted), 'every request the slow replica got was cancelled');
    assert.equal(await counter('padda_scatter_hedges_total', 'fixed'), slowRequests);
    assert.equal(await counter('padda_scatter_hedges_won_total', 'fixed'), slowRequests);
    assert.equal(await counter('padda_scatter_cancelled_total', 'fixed'), slowRequests);
    assert.equal(await counter('padda_scatter_leaf_requests_total', 'fixed'), 12 + slowRequests);
  });

  test('max_extra: 0 never hedges: requests due a hedge are counted as denied and wait', async () => {
    for (const leaf of pairs[1]!) leaf.behave(json({ docs: ['slow'] }, 60));
    for (let i = 0; i < 4; i++) assert.ok((await query('broke')).ms >= 55);
    assert.equal(await counter('padda_scatter_hedges_total', 'broke'), 0);
    assert.equal(await counter('padda_scatter_hedges_denied_total', 'broke'), 4);
    assert.equal(await counter('padda_scatter_leaf_requests_total', 'broke'), 4);
  });

  test('max_extra: 50%: hedges never exceed half the first leaf requests', async () => {
    for (const leaf of pairs[2]!) leaf.behave(json({ docs: ['slow'] }, 40));
    for (let i = 0; i < 20; i++) assert.equal((await query('halved')).status, 200);
    const hedges = await counter('padda_scatter_hedges_total', 'halved');
    assert.equal(hedges, 10, 'every request was due a hedge; the budget paid for one in two');
    assert.equal(await counter('padda_scatter_leaf_requests_total', 'halved'), 20 + hedges);
  });

  test('after: p50 hedges once the leaf\'s own latency is known, at its median', async () => {
    const [a, b] = pairs[3]!;
    for (const leaf of pairs[3]!) leaf.behave(json({ docs: ['ok'] }, 2));
    // Below the window's minimum, no hedging on a guess.
    for (let i = 0; i < 40; i++) assert.equal((await query('percentile')).status, 200);
    const warm = await counter('padda_scatter_hedges_total', 'percentile');
    a!.behave(json({ docs: ['slow'] }, 800));
    b!.behave(json({ docs: ['fast'] }, 2));
    let slowFirst = 0;
    for (let i = 0; i < 10; i++) {
      const before = a!.requests.length;
      const got = await query('percentile');
      assert.deepEqual(JSON.parse(got.text), { docs: ['fast'] });
      assert.ok(got.ms < 400, `${got.ms} ms`);
      if (a!.requests.length > before) slowFirst++;
    }
    assert.ok(slowFirst > 0);
    assert.ok(await counter('padda_scatter_hedges_total', 'percentile') - warm >= slowFirst);
  });
});

describe(`a fan-out of ${FANOUT} leaves`, () => {
  test('every leaf is asked once and every answer merged', async () => {
    const before = many.map((leaf) => leaf.requests.length);
    const got = await query('fanout');
    assert.equal(got.status, 200);
    const docs = (JSON.parse(got.text) as { docs: string[] }).docs;
    assert.deepEqual(docs, many.map((_, i) => `doc-${i}`));
    assert.ok(many.every((leaf, i) => leaf.requests.length === before[i]! + 1));
  });

  test('ten failing leaves of 100 with min_leaves 90: a partial answer naming the ten', async () => {
    const failing = [3, 14, 15, 27, 50, 61, 72, 88, 98, 99];
    for (const i of failing) many[i]!.behave(status(500));
    try {
      const got = await query('fanout-partial');
      assert.equal(got.status, 200);
      assert.equal(got.headers['x-padda-partial'], failing.map((i) => `leaf-${i}`).join(','));
      assert.equal((JSON.parse(got.text) as { docs: string[] }).docs.length, 90);
      many[0]!.behave(status(500));
      const refused = await query('fanout-partial');
      assert.equal(refused.status, 503);
      assert.match(refused.text, /^89 of 100 leaves answered, 90 needed; missing: leaf-0 status_500, leaf-3 status_500/);
    } finally {
      for (const leaf of many) leaf.behave(json({ docs: [`doc-${many.indexOf(leaf)}`] }));
    }
  });

  test('a client that disconnects cancels all 100 leaf requests (seen by the leaves)', async () => {
    for (const leaf of many) leaf.behave(hang);
    const cancelledBefore = await counter('padda_scatter_cancelled_total', 'fanout');
    const before = many.map((leaf) => leaf.requests.length);
    const client = http.get({ host: '127.0.0.1', port: port.fanout, path: '/search', agent: false });
    client.on('error', () => {});
    try {
      const deadline = Date.now() + 5000;
      while (many.some((leaf, i) => leaf.requests.length === before[i]) && Date.now() < deadline) await sleep(10);
      assert.ok(many.every((leaf, i) => leaf.requests.length === before[i]! + 1), 'every leaf got the request');
      client.destroy();
      const cancelled = () => many.every((leaf, i) => leaf.requests[before[i]!]!.aborted);
      while (!cancelled() && Date.now() < deadline) await sleep(10);
      assert.ok(cancelled(), `${many.filter((leaf, i) => !leaf.requests[before[i]!]!.aborted).length} leaf requests were left running`);
      assert.equal(await counter('padda_scatter_cancelled_total', 'fanout') - cancelledBefore, FANOUT);
    } finally {
      for (const leaf of many) leaf.behave(json({ docs: [`doc-${many.indexOf(leaf)}`] }));
    }
  });
});
