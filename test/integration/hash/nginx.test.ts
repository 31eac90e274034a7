/**
 * padda's nginx-compatible hashing against the real nginx: for
 * `hash $request_uri consistent` over 3 and 5 weighted upstreams, the
 * upstream nginx proxies each URI to must be the one ketama_nginx picks; and
 * the split_clients bucket nginx chooses must be SplitClients' pick of
 * murmur2_nginx(URI). 10k URIs per upstream group, zero mismatches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { buildDistribution, createRouter, hashFunction, SplitClients } from '../../../src/hash/index.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';
import { sampleUris } from '../../support/uris.ts';

const GROUPS = { u3: [1, 2, 3], u5: [5, 1, 1, 3, 2] } as const;
const SPLIT = { percents: [0.5, 10, 33.33, '*'] as const, values: ['a', 'b', 'c', 'd'] };
const SPLIT_PARTIAL = { percents: [25, 25.5] as const, values: ['x', 'y'] }; // 49.5 % matches nothing
const URIS_PER_GROUP = 10_000;

describe('hash routing against real nginx', { timeout: 120_000 }, () => {
  let nginx: RunningServer;
  let front = 0;
  let backends: number[] = [];
  after(() => nginx?.stop());

  before(async () => {
    const ports = await freePorts(6);
    front = ports[0];
    backends = ports.slice(1);
    const upstream = (name: string, weights: readonly number[]) => [
      `upstream ${name} {`, '  hash $request_uri consistent;',
      ...weights.map((w, i) => `  server 127.0.0.1:${backends[i]} weight=${w};`), '  keepalive 16;', '}',
    ].join('\n');
    const split = (variable: string, s: { percents: readonly (number | string)[]; values: string[] }) =>
      `split_clients "$request_uri" ${variable} {\n${s.percents.map((p, i) => `  ${p === '*' ? '*' : `${p}%`} ${s.values[i]};`).join('\n')}\n}`;
    nginx = await startNginx([
      upstream('u3', GROUPS.u3), upstream('u5', GROUPS.u5),
      split('$variant', SPLIT), split('$partial', SPLIT_PARTIAL),
      ...backends.map((p) => `server { listen 127.0.0.1:${p}; return 200 "${p}"; }`),
      `server {`, `  listen 127.0.0.1:${front};`, '  keepalive_requests 100000;',
      '  proxy_http_version 1.1;', '  proxy_set_header Connection "";',
      '  add_header X-Variant "$variant[$partial]";',
      '  location /u3/ { proxy_pass http://u3; }', '  location /u5/ { proxy_pass http://u5; }', '}',
    ].join('\n'));
  });

  /** Sends every URI through nginx; answers [backend port, split header] per URI. */
  async function ask(list: string[]): Promise<Array<[number, string]>> {
    const pool = new Pool(`http://127.0.0.1:${front}`, { connections: 8 });
    try {
      const answers = new Array<[number, string]>(list.length);
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next < list.length) {
          const i = next++;
          const res = await pool.request({ path: list[i], method: 'GET' });
          answers[i] = [Number(await res.body.text()), String(res.headers['x-variant'])];
        }
      }));
      return answers;
    } finally {
      await pool.close();
    }
  }

  for (const [group, weights] of Object.entries(GROUPS)) {
    it(`picks nginx's upstream for ${URIS_PER_GROUP} URIs over ${weights.length} weighted servers, and its split_clients bucket`, async () => {
      const list = sampleUris(group, URIS_PER_GROUP, weights.length);
      const answers = await ask(list);
      const shards = weights.map((weight, i) => ({ name: `127.0.0.1:${backends[i]}`, weight }));
      const router = createRouter({ hash: 'crc32a', distribution: buildDistribution('ketama_nginx', shards) });
      const split = new SplitClients(SPLIT.percents);
      const partial = new SplitClients(SPLIT_PARTIAL.percents);
      const murmur2 = hashFunction('murmur2_nginx');
      const wrong: string[] = [];
      list.forEach((uri, i) => {
        const key = Buffer.from(uri, 'latin1');
        const port = backends[router.route(key, 0, key.length)];
        const h = murmur2(key, 0, key.length);
        const variant = `${SPLIT.values[split.pick(h)]}[${SPLIT_PARTIAL.values[partial.pick(h)] ?? ''}]`;
        if (answers[i][0] !== port || answers[i][1] !== variant) {
          wrong.push(`${uri}: nginx ${answers[i].join(' ')}, padda ${port} ${variant}`);
        }
      });
      assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${list.length} URIs differ`);
      const used = new Set(answers.map(([port]) => port));
      assert.equal(used.size, weights.length, 'every upstream got traffic');
    });
  }
});
