import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedLoads, buildDistribution, NO_SERVER, ServerLoads, SplitClients } from '../../../src/hash/index.ts';
import { rng } from './keys.ts';

const servers = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, weight: 1 }));

describe('BoundedLoads', () => {
  for (const kind of ['ketama', 'ketama_nginx', 'maglev', 'rendezvous', 'jump']) {
    it(`keeps every server within factor × average under one hot key (${kind})`, () => {
      const bounded = new BoundedLoads(buildDistribution(kind, servers), 1.25);
      const loads = new ServerLoads(servers.length);
      for (let i = 0; i < 10_000; i++) {
        loads.acquire(bounded.pick(0xdeadbeef, loads)); // the same key every time
        const max = Math.max(...loads.loads);
        assert.ok(max <= Math.ceil(1.25 * loads.total / servers.length) + 1, `${kind}: max ${max} of ${loads.total}`);
      }
    });
  }

  it('leaves keys where the ring puts them while loads are even', () => {
    const d = buildDistribution('ketama', servers);
    const bounded = new BoundedLoads(d, 1.25);
    const loads = new ServerLoads(servers.length);
    for (let i = 0; i < servers.length; i++) for (let j = 0; j < 100; j++) loads.acquire(i);
    const next = rng(3);
    for (let i = 0; i < 1000; i++) {
      const h = Math.floor(next() * 2 ** 32);
      assert.equal(bounded.pick(h, loads), d.pick(h));
    }
  });

  it('releases load, skips ejected servers, and rejects factors that bound nothing', () => {
    const loads = new ServerLoads(2);
    loads.acquire(1);
    loads.release(1);
    loads.release(1);
    assert.deepEqual([...loads.loads, loads.total], [0, 0, 0]);
    const d = buildDistribution('ketama', servers).withLive(servers.map((_, i) => i === 4));
    const bounded = new BoundedLoads(d, 1.5);
    const many = new ServerLoads(servers.length);
    for (let i = 0; i < 100; i++) {
      const s = bounded.pick(i * 7919, many);
      assert.equal(s, 4);
      many.acquire(s);
    }
    const none = new BoundedLoads(d.withLive(servers.map(() => false)), 1.5);
    assert.equal(none.pick(1, many), NO_SERVER);
    for (const f of [1, 0.5, NaN, Infinity]) assert.throws(() => new BoundedLoads(d, f), /above 1/);
  });
});

describe('SplitClients (nginx split_clients)', () => {
  it('cuts the hash space at cumulative percentages, * taking the rest', () => {
    const split = new SplitClients([0.5, 2, '*']);
    const b0 = Math.floor((50 * 0xffffffff) / 10000);
    const b1 = b0 + Math.floor((200 * 0xffffffff) / 10000);
    assert.deepEqual([...split.bounds], [b0, b1, 0]);
    assert.deepEqual([0, b0 - 1, b0, b1 - 1, b1, 0xffffffff].map((h) => split.pick(h)), [0, 0, 1, 1, 2, 2]);
  });

  it('treats a bucket that reaches 100% as the rest, and matches nothing above an incomplete total', () => {
    assert.deepEqual([...new SplitClients([10, 90]).bounds], [429496729, 0]);
    assert.equal(new SplitClients([10]).pick(0xffffffff), -1);
  });

  it('rejects totals above 100% and percentages nginx cannot parse', () => {
    assert.throws(() => new SplitClients([60, 50]), /more than 100%/);
    assert.throws(() => new SplitClients(['*', 1]), /more than 100%/);
    for (const p of [0, -1, 0.125, NaN, 101]) assert.throws(() => new SplitClients([p]), /at most two decimals/, String(p));
  });
});
