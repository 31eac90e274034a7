/**
 * scatter-gather faults through a real padda over real leaf servers: every
 * way a leaf can fail, answered partially (with quorum) or as 503/504
 * naming the missing leaves (without), plus leaf_timeout retries and the
 * shared replica set's failover and ejection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { parseResponse, rawExchange } from '../../support/clients.ts';
import { chunkedBytes, hang, json, raw, reset, startJsonLeaf, startJsonLeaves, status, type Behaviour, type JsonLeaf } from '../../support/json-leaf.ts';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';

let leaves: JsonLeaf[];
let hanging: JsonLeaf;
let padda: PaddaProcess;
let admin: number;
let partial: number;
let strict: number;
let timeouts: number;
let failover: number;

before(async () => {
  leaves = await startJsonLeaves(3, (i) => json({ docs: [`doc-${i}`] }));
  hanging = await startJsonLeaf(hang);
  const [closed, ...ports] = await freePorts(6);
  [admin, partial, strict, timeouts, failover] = ports as [number, number, number, number, number];
  const urls = leaves.map((leaf) => leaf.url).join(', ');
  padda = startPadda(`
admin: { listen: 127.0.0.1:${admin} }
listeners:
  partial:
    mode: scatter-gather
    listen: 127.0.0.1:${partial}
    leaves: [${urls}]
    merge: { strategy: union, path: docs }
    partial: { min_leaves: 2 }
    deadline: 400ms
    max_leaf_body: 1kb
    max_request_body: 1kb
    eject: { failures: 0 }
  strict:
    mode: scatter-gather
    listen: 127.0.0.1:${strict}
    leaves: [${urls}]
    merge: { strategy: union, path: docs }
    deadline: 400ms
    max_leaf_body: 1kb
    eject: { failures: 0 }
  timeouts:
    mode: scatter-gather
    listen: 127.0.0.1:${timeouts}
    leaves: [{ name: slow-or-not, replicas: [${hanging.url}, ${leaves[0]!.url}] }]
    merge: { strategy: concat, path: docs }
    leaf_timeout: 100ms
    deadline: 1s
  failover:
    mode: scatter-gather
    listen: 127.0.0.1:${failover}
    leaves: [{ name: half-dead, replicas: [127.0.0.1:${closed}, ${leaves[1]!.url}] }]
    merge: { strategy: concat, path: docs }
    eject: { failures: 2, time: 1m }
`);
  await waitForStatus(`http://127.0.0.1:${admin}/ready`);
});

after(async () => {
  await padda?.stop();
  await Promise.all([...leaves, hanging].map((leaf) => leaf.close()));
});

async function query(port: number) {
  const started = performance.now();
  const response = await request(`http://127.0.0.1:${port}/search?q=x`);
  return { status: response.statusCode, headers: response.headers, text: await response.body.text(), ms: performance.now() - started };
}

async function metrics(): Promise<string> {
  return (await request(`http://127.0.0.1:${admin}/metrics`)).body.text();
}

function gzipped(value: unknown): Behaviour {
  return (_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify(value)));
  };
}

/** Every fault one leaf can have, and the reason padda gives for it. */
const FAULTS: Array<{ fault: string; behaviour: Behaviour; reason: string }> = [
  { fault: 'invalid JSON', behaviour: raw('{"docs": [1, 2'), reason: 'invalid_json' },
  { fault: 'a non-2xx status', behaviour: status(500), reason: 'status_500' },
  { fault: 'a 404', behaviour: status(404), reason: 'status_404' },
  { fault: 'a body over max_leaf_body (content-length)', behaviour: json({ docs: ['x'.repeat(2000)] }), reason: 'too_large' },
  { fault: 'a chunked body over max_leaf_body', behaviour: chunkedBytes(64 * 1024), reason: 'too_large' },
  { fault: 'a hang until the deadline', behaviour: hang, reason: 'deadline' },
  { fault: 'a reset', behaviour: reset, reason: 'upstream_reset' },
  { fault: 'an answer without the merge path', behaviour: json({ results: [] }), reason: 'missing_path' },
  { fault: 'an answer whose path is not an array', behaviour: json({ docs: { not: 'a list' } }), reason: 'not_an_array' },
  { fault: 'a compressed answer, though identity was asked for', behaviour: gzipped({ docs: ['z'] }), reason: 'encoded_answer' },
];

describe('one leaf fails', () => {
  for (const { fault, behaviour, reason } of FAULTS) {
    test(`${fault}: partial answer naming the leaf with quorum, ${reason === 'deadline' ? 504 : 503} naming why without`, async () => {
      leaves[2]!.behave(behaviour);
      try {
        const got = await query(partial);
        assert.equal(got.status, 200, got.text);
        assert.deepEqual(JSON.parse(got.text), { docs: ['doc-0', 'doc-1'] });
        assert.equal(got.headers['x-padda-partial'], 'leaf-2');
        if (reason === 'deadline') assert.ok(got.ms >= 390, `waited for the deadline (${got.ms} ms)`);
        else assert.ok(got.ms < 300, `did not wait for the deadline (${got.ms} ms)`);

        const refused = await query(strict);
        assert.equal(refused.status, reason === 'deadline' ? 504 : 503);
        assert.equal(refused.headers['x-padda-error'], 'no_quorum');
        // Quorum is out of reach once leaf-2 fails: leaves still out then are cancelled, not waited for.
        assert.match(refused.text, new RegExp(`^[0-2] of 3 leaves answered, 3 needed; missing: (leaf-[01] cancelled, )*leaf-2 ${reason}\n$`));
      } finally {
        leaves[2]!.behave(json({ docs: ['doc-2'] }));
      }
      const text = await metrics();
      assert.match(text, new RegExp(`padda_scatter_leaf_failures_total\\{listener="partial",leaf="leaf-2",reason="${reason}"\\} [1-9]`));
    });
  }
});

describe('quorum', () => {
  test('two leaves failing leaves one of the two needed: 503 at once, naming both', async () => {
    leaves[1]!.behave(status(503));
    leaves[2]!.behave(raw('nope'));
    try {
      const got = await query(partial);
      assert.equal(got.status, 503);
      assert.ok(got.ms < 300, `did not wait for the deadline (${got.ms} ms)`);
      assert.equal(got.text, '1 of 3 leaves answered, 2 needed; missing: leaf-1 status_503, leaf-2 invalid_json\n');
    } finally {
      leaves[1]!.behave(json({ docs: ['doc-1'] }));
      leaves[2]!.behave(json({ docs: ['doc-2'] }));
    }
  });

  test('two hung leaves: 504 at the deadline, naming both', async () => {
    leaves[1]!.behave(hang);
    leaves[2]!.behave(hang);
    try {
      const got = await query(partial);
      assert.equal(got.status, 504);
      assert.match(got.text, /missing: leaf-1 deadline, leaf-2 deadline/);
    } finally {
      leaves[1]!.behave(json({ docs: ['doc-1'] }));
      leaves[2]!.behave(json({ docs: ['doc-2'] }));
    }
  });

  test('partial answers are counted in /metrics', async () => {
    assert.match(await metrics(), /padda_scatter_partial_answers_total\{listener="partial"\} [1-9]/);
  });
});

describe('replicas', () => {
  test('leaf_timeout: a hung replica is given up after 100 ms and the request retried on the other, well before the deadline', async () => {
    const before = hanging.requests.length;
    // Power-of-two-choices picks the hung replica at random: query until it has been (bounded).
    for (let i = 0; i < 6 || (hanging.requests.length === before && i < 60); i++) {
      const got = await query(timeouts);
      assert.equal(got.status, 200, got.text);
      assert.deepEqual(JSON.parse(got.text), { docs: ['doc-0'] });
      assert.ok(got.ms < 600, `${got.ms} ms`);
    }
    const hung = hanging.requests.slice(before);
    assert.ok(hung.length > 0, 'power-of-two-choices sent some requests to the hung replica');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(hung.every((r) => r.aborted), 'each timed-out request was cancelled on the hung replica');
  });

  test('a replica that refuses connections: requests fail over to the other one, and it is ejected (shared ReplicaSet)', async () => {
    // Power-of-two-choices picks the dead replica at random: query until the
    // two failures that eject it have happened (bounded), each answered by the live one.
    const ejected = new RegExp(`padda_replica_up\\{listener="failover",set="half-dead",replica="127.0.0.1:\\d+"\\} 0`);
    let text = '';
    for (let i = 0; i < 60 && !ejected.test(text); i++) {
      const got = await query(failover);
      assert.equal(got.status, 200, got.text);
      assert.deepEqual(JSON.parse(got.text), { docs: ['doc-1'] });
      text = await metrics();
    }
    assert.match(text, new RegExp(`padda_replica_up\\{listener="failover",set="half-dead",replica="127.0.0.1:\\d+"\\} 0`));
    assert.match(text, new RegExp(`padda_replica_up\\{listener="failover",set="half-dead",replica="${leaves[1]!.url}"\\} 1`));
    assert.match(text, /padda_scatter_leaf_failures_total\{listener="failover",leaf="half-dead",reason="upstream_connect_refused"\} 2/);
  });
});

describe('bad requests', () => {
  test('a request body over max_request_body gets 413 and the connection is closed', async () => {
    const response = await request(`http://127.0.0.1:${partial}/search`, { method: 'POST', body: 'x'.repeat(4096) });
    assert.equal(response.statusCode, 413);
    assert.equal(response.headers['x-padda-error'], 'request_too_large');
    assert.equal(response.headers.connection, 'close');
    await response.body.dump();
  });

  test('a request body that has not arrived by the deadline gets 408', async () => {
    const { text } = await rawExchange(partial, 'POST /search HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nonly part of it', { idleMs: 1500 });
    const answer = parseResponse(text);
    assert.equal(answer.status, 408);
    assert.equal(answer.headers['x-padda-error'], 'client_body_timeout');
  });

  test('CONNECT and targets that are not a path are refused as by every HTTP mode; absolute-form targets are served', async () => {
    assert.match((await rawExchange(partial, 'CONNECT evil.example:443 HTTP/1.1\r\nhost: evil.example:443\r\n\r\n')).text, /^HTTP\/1\.1 405 [^]*x-padda-error: connect_refused/);
    assert.match((await rawExchange(partial, 'GET * HTTP/1.1\r\nhost: x\r\n\r\n')).text, /^HTTP\/1\.1 400 [^]*x-padda-error: bad_request_target/);
    const before = leaves[0]!.requests.length;
    const absolute = parseResponse((await rawExchange(partial, 'GET http://search.example/q?x=1 HTTP/1.1\r\nhost: other\r\nconnection: close\r\n\r\n')).text);
    assert.equal(absolute.status, 200);
    assert.equal(leaves[0]!.requests[before]!.url, '/q?x=1');
    assert.equal(leaves[0]!.requests[before]!.headers.host, 'search.example');
  });

  test('two Host lines get 400 duplicate_host, as from every HTTP mode, and no leaf is asked', async () => {
    const before = leaves.map((leaf) => leaf.requests.length);
    const answer = await rawExchange(partial, 'GET /search HTTP/1.1\r\nhost: a.example\r\nhost: b.example\r\nconnection: close\r\n\r\n');
    assert.match(answer.text, /^HTTP\/1\.1 400 [^]*x-padda-error: duplicate_host/);
    assert.deepEqual(leaves.map((leaf) => leaf.requests.length), before);
  });
});
