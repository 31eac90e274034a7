import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDistribution, Continuum, DISTRIBUTION_KINDS, hashFunction, NO_SERVER, nginxHostPort, twemproxyServerName,
  type Distribution, type ServerSpec,
} from '../../../src/hash/index.ts';
import { ketamaPointsPerServer } from '../../../src/hash/distribution/ketama.ts';
import { md5Words } from '../../../src/hash/functions/md5.ts';
import { twemproxyOrder } from '../../../src/hash/distribution/twemproxy-names.ts';
import { rng } from './keys.ts';
import { bytes } from './vectors.ts';

const servers = (n: number, weight = (_i: number) => 1): ServerSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `10.0.0.${i + 1}:6379`, weight: weight(i) }));

function hashes(count: number, seed = 1): Uint32Array {
  const next = rng(seed);
  return Uint32Array.from({ length: count }, () => Math.floor(next() * 2 ** 32));
}

function shares(d: Distribution, hs: Uint32Array): number[] {
  const counts = new Array<number>(d.servers.length).fill(0);
  for (const h of hs) counts[d.pick(h)]++;
  return counts.map((c) => c / hs.length);
}

describe('ketama (twemproxy)', () => {
  it('hashes "<name>-<i>" with md5, four little-endian words per digest (twemproxy test_all.c)', () => {
    const b = bytes('server1-8');
    const words = md5Words(b, 0, b.length);
    assert.equal(words[0], 3853726576);
    assert.equal(words[3], 2667054752);
  });

  it('gives 160 points per server for equal weights and float32 shares otherwise', () => {
    assert.equal(ketamaPointsPerServer(1, 3, 3), 160);
    assert.equal(ketamaPointsPerServer(7, 70, 10), 160);
    assert.equal(ketamaPointsPerServer(1, 4, 3), 120);
    assert.equal(ketamaPointsPerServer(2, 4, 3), 240);
    assert.equal(ketamaPointsPerServer(1, 3, 2), 104); // 1/3 × 40 × 2 = 26.67 → 26 × 4
    // Exactly 8 × 4 = 32 in real numbers, but 0.04f × 160 / 4 × 5 is 7.9999995 in
    // float32, so twemproxy gives this server 28 points (the nutcracker test agrees).
    assert.equal(ketamaPointsPerServer(1, 25, 5), 28);
    const d = buildDistribution('ketama', servers(3, (i) => i + 1));
    assert.deepEqual(count(d.ring!.owners, 3), [80, 160, 240]);
  });

  it('wraps hashes past the last point to the first', () => {
    const ring = new Continuum([10, 20, 30], [0, 1, 2]);
    assert.deepEqual([0, 10, 11, 20, 30, 31, 0xffffffff].map((h) => ring.pick(h)), [0, 0, 1, 1, 2, 0, 0]);
  });

  it('sorts points keeping equal ones in insertion order, and with unique keeps only the first', () => {
    const next = rng(8);
    // Many ties: values from a small set, spread over all four bytes.
    const values = [0, 1, 0xff, 0x100, 0x10000, 0x1000000, 0x80000000, 0xffffffff, 0x01020304];
    const points = Array.from({ length: 5000 }, () => values[Math.floor(next() * values.length)]);
    const owners = points.map((_, i) => i);
    const order = owners.toSorted((a, b) => points[a] - points[b] || a - b);
    const ring = new Continuum(points, owners);
    assert.deepEqual([...ring.points], order.map((i) => points[i]));
    assert.deepEqual([...ring.owners], order);
    const unique = new Continuum(points, owners, true);
    const first = order.filter((i, k) => k === 0 || points[i] !== points[order[k - 1]]);
    assert.deepEqual([...unique.points], first.map((i) => points[i]));
    assert.deepEqual([...unique.owners], first);
    assert.equal(new Continuum([], []).pick(7), NO_SERVER);
  });

  it('keeps every key of a surviving server in place when an equal-weight server is ejected', () => {
    const d = buildDistribution('ketama', servers(5));
    const ejected = d.withLive([true, true, false, true, true]);
    for (const h of hashes(20_000)) {
      const before = d.pick(h);
      const after = ejected.pick(h);
      assert.notEqual(after, 2);
      if (before !== 2) assert.equal(after, before);
    }
  });

  it('names servers as twemproxy does', () => {
    assert.equal(twemproxyServerName({ host: '10.0.0.1', port: 6379 }), '10.0.0.1:6379');
    assert.equal(twemproxyServerName({ host: '10.0.0.1', port: '06379' }), '10.0.0.1:06379');
    assert.equal(twemproxyServerName({ host: 'cache-0.memcached', port: 11211 }), 'cache-0.memcached');
    assert.equal(twemproxyServerName({ host: '10.0.0.1', port: 6379, name: 'shard-a' }), 'shard-a');
    assert.equal(twemproxyServerName({ host: '/var/run/redis.sock' }), '/var/run/redis.sock:');
  });
});

function count(owners: ArrayLike<number>, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (let i = 0; i < owners.length; i++) c[owners[i]]++;
  return c;
}

describe('modula (twemproxy)', () => {
  it('orders servers by name length, then bytes, before taking hash % total weight', () => {
    const list = [
      { name: 'b:1', weight: 1 }, { name: 'a:10', weight: 2 }, { name: 'a:2', weight: 1 },
    ];
    assert.deepEqual(twemproxyOrder(list), [2, 0, 1]);
    const d = buildDistribution('modula', list);
    // slots: a:2, b:1, a:10, a:10
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((h) => d.pick(h)), [2, 0, 1, 1, 2, 0]);
  });
});

describe('ketama_nginx', () => {
  it('splits upstream addresses as nginx does', () => {
    assert.deepEqual(nginxHostPort('10.0.0.1:8080'), { host: '10.0.0.1', port: '8080' });
    assert.deepEqual(nginxHostPort('backend'), { host: 'backend', port: '' });
    assert.deepEqual(nginxHostPort('[::1]:80'), { host: '[::1]', port: '80' });
    assert.deepEqual(nginxHostPort('UNIX:/tmp/s.sock'), { host: '/tmp/s.sock', port: '' });
    assert.deepEqual(nginxHostPort('host:8o'), { host: 'host:8o', port: '' });
  });

  it('lays 160 points per unit of weight', () => {
    const d = buildDistribution('ketama_nginx', servers(3, (i) => i + 1));
    assert.deepEqual(count(d.ring!.owners, 3), [160, 320, 480]);
  });

  it('builds the ring of the largest weights accepted in seconds, not minutes', () => {
    const started = performance.now();
    const d = buildDistribution('ketama_nginx', [{ name: 'a:1', weight: 100_000 }, { name: 'b:1', weight: 1 }]);
    const seconds = (performance.now() - started) / 1000;
    // 16 000 160 points, fewer where two crc32 values collide (nginx keeps the first).
    assert.ok(d.ring!.size > 15_900_000 && d.ring!.size <= 16_000_160, String(d.ring!.size));
    assert.ok(seconds < 20, `${seconds.toFixed(1)} s`);
  });
});

describe('every distribution', () => {
  const stable = DISTRIBUTION_KINDS.filter((k) => k !== 'random');

  it('spreads keys by weight', () => {
    const hs = hashes(60_000, 3);
    for (const kind of stable) {
      const d = buildDistribution(kind, servers(4, (i) => [1, 1, 2, 4][i]));
      const got = shares(d, hs);
      const want = [1 / 8, 1 / 8, 2 / 8, 4 / 8];
      // ketama's and nginx's rings are lumpy with 160 points per server; the others are tight.
      const tolerance = kind.startsWith('ketama') ? 0.04 : kind === 'modula' || kind === 'jump' ? 0.01 : 0.015;
      got.forEach((s, i) => assert.ok(Math.abs(s - want[i]) < tolerance, `${kind} server ${i}: ${s} vs ${want[i]}`));
    }
  });

  it('never picks an ejected server, answers NO_SERVER when none is live, and keeps indexes', () => {
    const hs = hashes(5_000, 4);
    for (const kind of DISTRIBUTION_KINDS) {
      const d = buildDistribution(kind, servers(4));
      const one = d.withLive([false, false, true, false]);
      for (const h of hs) assert.equal(one.pick(h), 2, kind);
      const two = d.withLive([true, false, false, true]);
      for (const h of hs) assert.ok([0, 3].includes(two.pick(h)), kind);
      assert.equal(d.withLive([false, false, false, false]).pick(hs[0]), NO_SERVER, kind);
      assert.equal(d.withLive([true, true, true, true]).kind, kind);
    }
  });

  it('moves few keys when a server joins (except modula, which is not consistent)', () => {
    const hs = hashes(50_000, 5);
    for (const kind of stable) {
      const ten = buildDistribution(kind, servers(10));
      const eleven = buildDistribution(kind, servers(11));
      let moved = 0;
      for (const h of hs) if (ten.pick(h) !== eleven.pick(h)) moved++;
      const share = moved / hs.length;
      if (kind === 'modula') assert.ok(share > 0.8, `modula moved ${share}`);
      else assert.ok(share < 1 / 11 + 0.04, `${kind} moved ${share}`);
    }
  });

  it('routes identically when built twice from the same config (replicas agree)', () => {
    const hs = hashes(2_000, 6);
    for (const kind of stable) {
      const a = buildDistribution(kind, servers(7, (i) => i + 1));
      const b = buildDistribution(kind, servers(7, (i) => i + 1));
      for (const h of hs) assert.equal(a.pick(h), b.pick(h), kind);
    }
  });

  it('random ignores the key and weights, using the given source of randomness', () => {
    const draws = [0, 0.5, 0.99];
    const d = buildDistribution('random', servers(4, (i) => i + 1), { random: () => draws.shift()! });
    assert.deepEqual([d.pick(1), d.pick(1), d.pick(1)], [0, 2, 3]);
  });
});

describe('bad input', () => {
  it('rejects zero servers, empty and duplicate names, and weights that are not whole positive numbers', () => {
    assert.throws(() => buildDistribution('ketama', []), /at least one server/);
    assert.throws(() => buildDistribution('ketama', [{ name: '', weight: 1 }]), /empty name/);
    assert.throws(() => buildDistribution('ketama', [{ name: 'a', weight: 1 }, { name: 'a', weight: 2 }]),
      /same name "a"/);
    for (const weight of [0, -1, NaN, 1.5, Infinity, 1e9]) {
      assert.throws(() => buildDistribution('modula', [{ name: 'a', weight }]), /weights are whole numbers/, String(weight));
    }
  });

  it('rejects unknown kinds, a live mask of the wrong length, and a maglev size that is not a prime', () => {
    assert.throws(() => buildDistribution('consistent', servers(2)), /unknown distribution "consistent"; known: ketama/);
    assert.throws(() => buildDistribution('ketama', servers(2), { live: [true] }), /live mask has 1 entries for 2 servers/);
    assert.throws(() => buildDistribution('maglev', servers(2), { maglevTableSize: 65536 }), /not a prime/);
    assert.throws(() => buildDistribution('maglev', servers(5), { maglevTableSize: 3 }), /smaller than the 5 servers/);
  });

  it('accepts one server (every key goes to it) and huge names', () => {
    const long = [{ name: 'x'.repeat(1000), weight: 1 }, { name: 'y'.repeat(1000), weight: 1 }];
    for (const kind of DISTRIBUTION_KINDS) {
      assert.equal(buildDistribution(kind, servers(1)).pick(12345), 0);
      const d = buildDistribution(kind, long);
      assert.ok([0, 1].includes(d.pick(hashFunction('md5')(bytes('k'), 0, 1))));
    }
  });
});
