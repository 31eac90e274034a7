import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDistribution, createRouter, DISTRIBUTION_KINDS, HASH_NAMES, hashFunction, NO_SERVER, type ServerSpec,
} from '../../../src/hash/index.ts';
import { randomKeys } from './keys.ts';
import { bytes } from './vectors.ts';

const servers: ServerSpec[] = Array.from({ length: 7 }, (_, i) => ({ name: `shard-${i}.redis:6379`, weight: 1 + (i % 3) }));

/** Packs string keys into one buffer with spans, as a scanner would hand them over. */
function pack(keys: string[]): { buf: Uint8Array; spans: Uint32Array } {
  const buf = bytes(keys.join(''));
  const spans = new Uint32Array(2 * keys.length);
  let at = 0;
  keys.forEach((k, i) => {
    spans[2 * i] = at;
    spans[2 * i + 1] = at += bytes(k).length;
  });
  return { buf, spans };
}

describe('KeyRouter', () => {
  it('WASM batches agree with JS on 100k random keys for every table kind, with and without a hash tag', () => {
    const count = 100_000;
    const { buf, spans } = randomKeys(count, 21);
    const cases = DISTRIBUTION_KINDS.filter((k) => k !== 'random').map((kind, i) => ({
      kind, hash: HASH_NAMES[(i * 5) % HASH_NAMES.length], hashTag: i % 2 ? '{}' : undefined,
    }));
    for (const { kind, hash, hashTag } of cases) {
      const distribution = buildDistribution(kind, servers);
      const wasm = createRouter({ hash, distribution, hashTag }).routeBatch(buf, spans, count, new Int32Array(count));
      const js = createRouter({ hash, distribution, hashTag, engine: 'js' }).routeBatch(buf, spans, count, new Int32Array(count));
      for (let i = 0; i < count; i++) {
        if (wasm[i] !== js[i]) assert.fail(`${kind}/${hash}: key ${i}: wasm ${wasm[i]} js ${js[i]}`);
      }
    }
  });

  it('single-key route equals the batch answer and distribution.pick(hash(key))', () => {
    const distribution = buildDistribution('ketama', servers);
    const router = createRouter({ hash: 'fnv1a_64', distribution });
    const keys = ['user:1', 'user:2', 'session:abcdef', 'x'];
    const { buf, spans } = pack(keys);
    const out = router.routeBatch(buf, spans, keys.length, new Int32Array(keys.length));
    const fnv = hashFunction('fnv1a_64');
    keys.forEach((k, i) => {
      assert.equal(router.route(buf, spans[2 * i], spans[2 * i + 1]), out[i]);
      assert.equal(out[i], distribution.pick(fnv(bytes(k), 0, k.length)));
    });
  });

  it('hashes only the part inside the hash tag, as twemproxy does', () => {
    const distribution = buildDistribution('ketama', servers);
    for (const engine of ['wasm', 'js'] as const) {
      const tagged = createRouter({ hash: 'crc32a', distribution, hashTag: '{}', engine });
      const plain = createRouter({ hash: 'crc32a', distribution, engine });
      const keys = ['{user1000}.following', '{user1000}.followers', 'user1000', 'a{}b', 'a{b', 'x}y{z}', '{', '{}'];
      const { buf, spans } = pack(keys);
      const got = tagged.routeBatch(buf, spans, keys.length, new Int32Array(keys.length));
      const whole = (k: string) => plain.route(bytes(k), 0, bytes(k).length);
      assert.equal(got[0], whole('user1000'), engine);
      assert.equal(got[1], whole('user1000'), engine);
      assert.equal(got[3], whole('a{}b'), `${engine}: an empty tag hashes the whole key`);
      assert.equal(got[4], whole('a{b'), `${engine}: no closing char hashes the whole key`);
      assert.equal(got[5], whole('z'), `${engine}: the tag starts at the first opening char`);
      assert.equal(got[6], whole('{'), engine);
      assert.equal(got[7], whole('{}'), engine);
    }
  });

  it('routes an empty key by hash 0, as twemproxy does', () => {
    const distribution = buildDistribution('modula', servers);
    for (const engine of ['wasm', 'js'] as const) {
      const router = createRouter({ hash: 'fnv1a_64', distribution, engine });
      const out = router.routeBatch(new Uint8Array(0), Uint32Array.of(0, 0), 1, new Int32Array(1));
      assert.equal(out[0], distribution.pick(0), engine);
    }
  });

  it('follows use(): ejected servers get no keys; none live gives NO_SERVER', () => {
    const count = 5000;
    const { buf, spans } = randomKeys(count, 9);
    const distribution = buildDistribution('ketama', servers);
    for (const engine of ['wasm', 'js'] as const) {
      const router = createRouter({ hash: 'md5', distribution, engine });
      router.use(distribution.withLive(servers.map((_, i) => i !== 3)));
      const out = router.routeBatch(buf, spans, count, new Int32Array(count));
      assert.ok(!out.includes(3), engine);
      router.use(distribution.withLive(servers.map(() => false)));
      assert.ok(router.routeBatch(buf, spans, count, new Int32Array(count)).every((s) => s === NO_SERVER), engine);
    }
  });

  it('routes random batches through JS, over live servers only', () => {
    const distribution = buildDistribution('random', servers, { live: servers.map((_, i) => i < 2) });
    const { buf, spans } = randomKeys(1000, 2);
    const out = createRouter({ hash: 'md5', distribution }).routeBatch(buf, spans, 1000, new Int32Array(1000));
    assert.ok(out.every((s) => s === 0 || s === 1));
    assert.ok(out.includes(0) && out.includes(1));
  });

  it('handles a 4 MiB key and a batch far larger than WASM memory at start', () => {
    const distribution = buildDistribution('maglev', servers);
    const huge = new Uint8Array(4 << 20).map((_, i) => i * 7);
    const count = 20_000;
    const spans = new Uint32Array(2 * count);
    for (let i = 0; i < count; i++) [spans[2 * i], spans[2 * i + 1]] = [i * 100, i * 100 + 50];
    spans[1] = huge.length; // key 0 is the whole 4 MiB
    const wasm = createRouter({ hash: 'xxh64', distribution }).routeBatch(huge, spans, count, new Int32Array(count));
    const js = createRouter({ hash: 'xxh64', distribution, engine: 'js' });
    for (const i of [0, 1, count - 1]) assert.equal(wasm[i], js.route(huge, spans[2 * i], spans[2 * i + 1]));
  });

  it('routes keys in the middle of a larger buffer, spans in any order, as when packed alone', () => {
    const keys = ['user:1', '{tag}a', '', 'session:abcdef', 'x'];
    const { buf, spans } = pack(keys);
    const framed = new Uint8Array(1 << 20).fill(0x7b); // '{' around the keys: only bytes inside a span count
    const at = 300_000;
    framed.set(buf, at);
    const order = [3, 0, 4, 2, 1];
    const moved = Uint32Array.from(order.flatMap((k) => [at + spans[2 * k], at + spans[2 * k + 1]]));
    for (const kind of ['ketama', 'rendezvous'] as const) {
      const distribution = buildDistribution(kind, servers);
      for (const engine of ['wasm', 'js'] as const) {
        const router = createRouter({ hash: 'xxh32', distribution, hashTag: '{}', engine });
        const alone = router.routeBatch(buf, spans, keys.length, new Int32Array(keys.length));
        const got = router.routeBatch(framed, moved, keys.length, new Int32Array(keys.length));
        assert.deepEqual([...got], order.map((k) => alone[k]), `${kind}/${engine}`);
      }
    }
  });

  it('rejects spans outside the buffer, batches larger than out, and bad hash tags', () => {
    const distribution = buildDistribution('ketama', servers);
    for (const engine of ['wasm', 'js'] as const) {
      const router = createRouter({ hash: 'md5', distribution, engine });
      const buf = bytes('abc');
      assert.throws(() => router.routeBatch(buf, Uint32Array.of(0, 4), 1, new Int32Array(1)), /outside a 3-byte buffer/);
      assert.throws(() => router.routeBatch(buf, Uint32Array.of(2, 1), 1, new Int32Array(1)), /outside/);
      assert.throws(() => router.routeBatch(buf, Uint32Array.of(0, 1, 1, 2), 2, new Int32Array(1)), /does not fit/);
      for (const count of [-1, 0.5, NaN]) {
        assert.throws(() => router.routeBatch(buf, Uint32Array.of(0, 1, 1, 2), count, new Int32Array(2)), /does not fit/, String(count));
      }
      const out = Int32Array.of(7, 7);
      assert.throws(() => router.routeBatch(buf, Uint32Array.of(0, 1, 1, 9), 2, out), /key 1 spans \[1, 9\)/);
      assert.deepEqual([...out], [7, 7], `${engine}: a bad batch routes nothing`);
      assert.throws(() => createRouter({ hash: 'md5', distribution, hashTag: '{', engine }), /exactly two/);
      assert.equal(router.routeBatch(buf, new Uint32Array(0), 0, new Int32Array(0)).length, 0);
    }
    assert.throws(() => createRouter({ hash: 'sha1' as never, distribution }), /unknown hash "sha1"/);
  });
});
