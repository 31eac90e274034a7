/**
 * scatter-gather through a real padda over real leaf servers: every merge
 * strategy, both scatter styles, GET and POST, and what leaves receive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { curl } from '../../support/clients.ts';
import { getOnce } from '../../support/load.ts';
import { json, raw, startJsonLeaves, type Behaviour, type JsonLeaf } from '../../support/json-leaf.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

const LISTENERS = ['union', 'scalars', 'intersection', 'concat', 'sum', 'topk', 'cheapest', 'first', 'custom', 'split'] as const;
type ListenerName = (typeof LISTENERS)[number];

let leaves: JsonLeaf[];
let padda: PaddaProcess;
const port = {} as Record<ListenerName | 'admin', number>;

const MERGE_MODULE = `
// A merge module as a user writes it: ES module, default export.
export default function merge(answers, context) {
  return { leaves: answers.map((a) => a.leaf), total: answers.reduce((n, a) => n + a.value.length, 0), missing: context.missing };
}
`;

before(async () => {
  leaves = await startJsonLeaves(3);
  const ports = await freePorts(LISTENERS.length + 1);
  port.admin = ports.pop()!;
  LISTENERS.forEach((name, i) => (port[name] = ports[i]!));
  const urls = leaves.map((leaf) => leaf.url);
  const root = (name: ListenerName, merge: string, extra = '') => `
  ${name}:
    mode: scatter-gather
    listen: 127.0.0.1:${port[name]}
    leaves: [${urls.join(', ')}]
    merge: ${merge}
    deadline: 2s${extra}`;
  padda = startPadda(`
admin: { listen: 127.0.0.1:${port.admin} }
listeners:${[
    root('union', '{ strategy: union, path: docs, id: id }'),
    root('scalars', '{ strategy: union, path: hits.ids }'),
    root('intersection', '{ strategy: intersection, path: docs, id: id }'),
    root('concat', '{ strategy: concat, path: docs }'),
    root('sum', '{ strategy: sum, path: counts }'),
    root('topk', '{ strategy: topk, path: docs, sort: score, limit: 3, id: id }'),
    root('cheapest', '{ strategy: topk, path: docs, sort: price, order: asc, limit: 2 }'),
    root('first', '{ strategy: first }'),
    root('custom', '{ strategy: module, module: ./merge.mjs, path: docs }'),
    root('split', '{ strategy: intersection, path: docs }', '\n    scatter: { split_param: q, separator: " " }'),
  ].join('')}
`, [], {}, { 'merge.mjs': MERGE_MODULE });
  await waitForStatus(`http://127.0.0.1:${port.admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await Promise.all(leaves.map((leaf) => leaf.close()));
});

/** Scripts the three leaves, in order. */
function answer(...behaviours: Behaviour[]): void {
  behaviours.forEach((behaviour, i) => leaves[i]!.behave(behaviour));
}

async function query(name: ListenerName, path = '/search?q=x', init: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> } = {}) {
  const response = await request(`http://127.0.0.1:${port[name]}${path}`, init);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, body: response.headers['content-type'] === 'application/json' ? JSON.parse(text) as unknown : null };
}

describe('merge strategies', () => {
  test('union: each document once by id, in leaf order, the first leaf\'s copy kept', async () => {
    answer(
      json({ docs: [{ id: 1, from: 'a' }, { id: 2, from: 'a' }], took: 3 }),
      json({ docs: [{ id: 2, from: 'b' }, { id: 3, from: 'b' }] }, 30),
      json({ docs: [{ id: 4, from: 'c' }, { id: 1, from: 'c' }] }),
    );
    const { status, body, headers } = await query('union');
    assert.equal(status, 200);
    assert.deepEqual(body, { docs: [{ id: 1, from: 'a' }, { id: 2, from: 'a' }, { id: 3, from: 'b' }, { id: 4, from: 'c' }] });
    assert.equal(headers['x-padda-partial'], undefined);
    assert.match(String(headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  test('union of scalars at a nested path compares by value; the answer keeps the path', async () => {
    answer(json({ hits: { ids: ['a', 'b'] } }), json({ hits: { ids: ['b', 'c', 'c'] } }), json({ hits: { ids: [] } }));
    assert.deepEqual((await query('scalars')).body, { hits: { ids: ['a', 'b', 'c'] } });
  });

  test('intersection: documents every leaf found, in the first leaf\'s order', async () => {
    answer(
      json({ docs: [{ id: 3 }, { id: 1 }, { id: 2 }, { id: 1 }] }),
      json({ docs: [{ id: 1 }, { id: 2 }, { id: 9 }] }),
      json({ docs: [{ id: 2 }, { id: 7 }, { id: 1 }] }),
    );
    assert.deepEqual((await query('intersection')).body, { docs: [{ id: 1 }, { id: 2 }] });
  });

  test('concat: arrays one after the other in leaf order, whichever leaf answered first', async () => {
    answer(json({ docs: [1, 2] }, 40), json({ docs: [3] }, 20), json({ docs: [4, 1] }));
    assert.deepEqual((await query('concat')).body, { docs: [1, 2, 3, 4, 1] });
  });

  test('sum: word counts added key by key, nested objects too', async () => {
    answer(
      json({ counts: { the: 3, cat: 1, by: { day: 1 } } }),
      json({ counts: { the: 2, dog: 4 } }),
      json({ counts: { cat: 2, by: { day: 2, night: 1 } } }),
    );
    assert.deepEqual((await query('sum')).body, { counts: { the: 5, cat: 3, by: { day: 3, night: 1 }, dog: 4 } });
  });

  test('sum: leaves that disagree on the shape get 502 merge_failed', async () => {
    answer(json({ counts: { the: 3 } }), json({ counts: { the: { x: 1 } } }), json({ counts: {} }));
    const { status, headers, text } = await query('sum');
    assert.equal(status, 502);
    assert.equal(headers['x-padda-error'], 'merge_failed');
    assert.match(text, /disagree on the/);
  });

  test('sum: a leaf answering objects nested past any word count (150 000 levels, under 1 MB) fails as not_numbers, the root unharmed', async () => {
    const deep = `{"counts":${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}}`;
    answer(raw(deep), json({ counts: { the: 2 } }), json({ counts: {} }));
    const { status, headers, text } = await query('sum');
    assert.equal(status, 503);
    assert.equal(headers['x-padda-error'], 'no_quorum');
    // Quorum is out of reach once leaf-0 fails: the leaves still out then are cancelled.
    assert.match(text, /^[0-2] of 3 leaves answered, 3 needed; missing: leaf-0 not_numbers(, leaf-[12] cancelled)*\n$/);
    answer(json({ counts: { the: 1 } }), json({ counts: { the: 2 } }), json({ counts: {} }));
    assert.deepEqual((await query('sum')).body, { counts: { the: 3 } });
  });

  test('topk: the best `limit` by score, each id once (its best copy)', async () => {
    answer(
      json({ docs: [{ id: 'a', score: 0.9 }, { id: 'b', score: 0.5 }] }),
      json({ docs: [{ id: 'c', score: 0.7 }, { id: 'a', score: 0.95 }] }),
      json({ docs: [{ id: 'd', score: 0.8 }, { id: 'e' }] }),
    );
    assert.deepEqual((await query('topk')).body, { docs: [{ id: 'a', score: 0.95 }, { id: 'c', score: 0.7 }, { id: 'd', score: 0.8 }].sort((x, y) => y.score - x.score) });
  });

  test('topk ascending: the cheapest two', async () => {
    answer(json({ docs: [{ price: 5 }, { price: 1 }] }), json({ docs: [{ price: 3 }] }), json({ docs: [{ name: 'no price' }, { price: 2 }] }));
    assert.deepEqual((await query('cheapest')).body, { docs: [{ price: 1 }, { price: 2 }] });
  });

  test('first: the fastest good answer wins and the slower leaves\' requests are cancelled', async () => {
    answer(json({ from: 'a' }, 1500), json({ from: 'b' }, 20), json({ from: 'c' }, 1500));
    const before = leaves.map((leaf) => leaf.requests.length);
    const started = performance.now();
    const { status, body } = await query('first');
    assert.equal(status, 200);
    assert.deepEqual(body, { from: 'b' });
    assert.ok(performance.now() - started < 1000, 'did not wait for the slow leaves');
    await sleep(100);
    const [a, , c] = leaves.map((leaf, i) => leaf.requests[before[i]!]!);
    assert.ok(a!.aborted && c!.aborted, 'the slow leaves saw their requests cancelled');
  });

  test('module: a merge function from a file beside the config, given leaf names and values', async () => {
    answer(json({ docs: [1, 2] }), json({ docs: [3] }), json({ docs: [] }));
    assert.deepEqual((await query('custom')).body, { docs: { leaves: ['leaf-0', 'leaf-1', 'leaf-2'], total: 3, missing: [] } });
  });
});

test('module: worker processes, which get the config as JSON, load the module from beside the config too', async () => {
  const [workerAdmin, workerRoot] = await freePorts(2) as [number, number];
  const workers = startPadda(`
admin: { listen: 127.0.0.1:${workerAdmin} }
workers: 2
listeners:
  custom:
    mode: scatter-gather
    listen: 127.0.0.1:${workerRoot}
    leaves: [${leaves.map((leaf) => leaf.url).join(', ')}]
    merge: { strategy: module, module: ./merge.mjs, path: docs }
`, [], {}, { 'merge.mjs': MERGE_MODULE });
  try {
    await waitForStatus(`http://127.0.0.1:${workerAdmin}/ready`);
    answer(json({ docs: [1] }), json({ docs: [2, 3] }), json({ docs: [] }));
    for (let i = 0; i < 6; i++) {
      // A fresh connection each time, so the kernel spreads them over both workers.
      const { status, body } = await getOnce(workerRoot, '/search');
      assert.equal(status, 200);
      assert.deepEqual(JSON.parse(body), { docs: { leaves: ['leaf-0', 'leaf-1', 'leaf-2'], total: 3, missing: [] } });
    }
  } finally {
    await workers.stop();
  }
});

describe('scatter', () => {
  test('broadcast: every leaf gets the same target and the shared header hygiene, with one request id', async () => {
    answer(json({ docs: [] }), json({ docs: [] }), json({ docs: [] }));
    const before = leaves.map((leaf) => leaf.requests.length);
    // curl, because undici will not send a Connection header naming another header.
    const { code } = await curl([`http://127.0.0.1:${port.union}/search?q=a%20b&page=2`, '-H', 'x-forwarded-for: 203.0.113.7', '-H', 'x-real-ip: 6.6.6.6',
      '-H', 'connection: keep-alive, x-secret', '-H', 'x-secret: s', '-H', 'host: search.example', '-H', 'accept-encoding: gzip, br']);
    assert.equal(code, 0);
    const got = leaves.map((leaf, i) => leaf.requests[before[i]!]!);
    for (const request of got) {
      assert.equal(request.method, 'GET');
      assert.equal(request.url, '/search?q=a%20b&page=2');
      assert.equal(request.headers.host, 'search.example');
      assert.equal(request.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
      assert.equal(request.headers['x-real-ip'], '127.0.0.1');
      assert.equal(request.headers['x-forwarded-proto'], 'http');
      assert.equal(request.headers['x-secret'], undefined, 'named by Connection: hop-by-hop');
      assert.equal(request.headers['accept-encoding'], 'identity', 'the root parses the answers: no compression');
      assert.equal(request.headers['x-request-id'], got[0]!.headers['x-request-id']);
    }
  });

  test('POST: the body goes to every leaf', async () => {
    answer(json({ docs: [1] }), json({ docs: [2] }), json({ docs: [3] }));
    const before = leaves.map((leaf) => leaf.requests.length);
    const body = JSON.stringify({ query: { match: { title: 'padda' } } });
    const { status } = await query('concat', '/_search', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(status, 200);
    for (const [i, leaf] of leaves.entries()) {
      const got = leaf.requests[before[i]!]!;
      assert.equal(got.method, 'POST');
      assert.equal(got.body, body);
      assert.equal(got.headers['content-type'], 'application/json');
    }
  });

  test('split: the query\'s terms are dealt out to the leaves and the answers intersected', async () => {
    // A term-sharded index: each leaf answers the documents that hold all of the terms it was given.
    const index: Record<string, number[]> = { red: [1, 2, 3, 4], fast: [2, 3, 4], car: [3, 4, 5], cheap: [4, 9] };
    const termLeaf: Behaviour = (request, res) => {
      const terms = new URL(request.url, 'http://leaf').searchParams.get('q')!.split(' ');
      const docs = Object.values(index)[0]!.concat(5, 9).filter((doc) => terms.every((term) => index[term]?.includes(doc)));
      json({ docs, terms })(request, res);
    };
    answer(termLeaf, termLeaf, termLeaf);
    const before = leaves.map((leaf) => leaf.requests.length);
    const { status, body } = await query('split', '/search?lang=en&q=red+fast%20car%20cheap&x');
    assert.equal(status, 200);
    assert.deepEqual(body, { docs: [4] });
    const sent = leaves.flatMap((leaf, i) => leaf.requests.slice(before[i]!).map((r) => new URL(r.url, 'http://leaf')));
    assert.deepEqual(sent.flatMap((url) => url.searchParams.get('q')!.split(' ')).sort(), ['car', 'cheap', 'fast', 'red']);
    for (const url of sent) {
      assert.equal(url.searchParams.get('lang'), 'en', 'the other parameters are kept');
      assert.ok(url.search.endsWith('&x'));
    }
  });

  test('split: fewer terms than leaves asks only as many leaves, rotating which', async () => {
    answer(json({ docs: [1] }), json({ docs: [1] }), json({ docs: [1] }));
    const before = leaves.map((leaf) => leaf.requests.length);
    for (let i = 0; i < 3; i++) assert.equal((await query('split', '/search?q=one')).status, 200);
    assert.deepEqual(leaves.map((leaf, i) => leaf.requests.length - before[i]!), [1, 1, 1]);
  });

  test('split: a request without the parameter gets 400', async () => {
    const { status, headers, text } = await query('split', '/search?lang=en');
    assert.equal(status, 400);
    assert.equal(headers['x-padda-error'], 'bad_scatter_request');
    assert.match(text, /"q" is missing/);
  });

  test('methods other than GET, HEAD and POST get 405; HEAD gets the headers alone', async () => {
    assert.equal((await query('union', '/', { method: 'PUT' as 'POST' })).status, 405);
    answer(json({ docs: [1] }), json({ docs: [2] }), json({ docs: [] }));
    const head = await request(`http://127.0.0.1:${port.union}/`, { method: 'HEAD' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], String('{"docs":[1,2]}'.length));
    assert.equal(await head.body.text(), '');
  });
});
