import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenerViews } from '../../../src/admin/status-page/model.ts';
import { RateTracker } from '../../../src/admin/status-page/rates.ts';
import { escapeHtml } from '../../../src/admin/status-page/render.ts';
import { SeriesReader } from '../../../src/admin/status-page/series.ts';
import type { ProcessReport } from '../../../src/runtime/process-report.ts';

const worker = (role: string, ejected: boolean, requests: number, notReady: string | null = null): ProcessReport => ({
  role,
  metrics: [],
  listeners: [{
    name: 'web', mode: 'shard-router', listen: '127.0.0.1:1', notReady,
    stats: { shards: [{ shard: 'a', requests, in_flight: 1, available: true, replicas: [{ replica: 'http://r1', ejected, available: true }] }] },
  }],
});

test('members of several workers merge: numbers add, the worst state shows, not-ready reasons name the worker', () => {
  const [view] = listenerViews([worker('worker-1', false, 3), worker('worker-2', true, 4, 'no shard available')], new SeriesReader([]), new RateTracker(), 0);
  assert.deepEqual(view!.rows.map((r) => [r.depth, r.kind, r.name, r.state]), [
    [0, 'listener', 'web', 'down'], [1, 'shard', 'a', 'up'], [2, 'replica', 'http://r1', 'ejected'],
  ]);
  assert.equal(view!.rows[1]!.requests, 7);
  assert.equal(view!.rows[1]!.connections, 2);
  assert.deepEqual(view!.notReady, ['worker-2: no shard available']);
});

test('rates: none on the first reading, increase over time after, the last rate for views under a second apart, a reset starts over', () => {
  const rates = new RateTracker();
  assert.equal(rates.rate('k', 100, 0), undefined);
  assert.equal(rates.rate('k', 150, 2000), 25);
  assert.equal(rates.rate('k', 999, 2500), 25);
  assert.equal(rates.rate('k', 10, 4000), undefined);
  rates.keepOnly(new Set());
  assert.equal(rates.rate('k', 20, 5000), undefined);
});

test('escapeHtml leaves no markup', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});
