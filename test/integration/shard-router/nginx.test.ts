/**
 * The shard router against the real nginx: 10k URIs through nginx
 * (`hash $request_uri consistent` over 3 and 5 upstreams with unequal
 * weights) and through padda (`distribution: ketama_nginx` over the same
 * upstream addresses) must reach the same upstream, every one of them.
 * The upstreams are nginx servers answering their own port.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { startPadda, waitForStatus, type PaddaProcess } from '../../support/padda.ts';
import { freePorts } from '../../support/ports.ts';
import { startNginx, type RunningServer } from '../../support/servers.ts';
import { sampleUris } from '../../support/uris.ts';

const GROUPS = { u3: [3, 1, 2], u5: [1, 4, 1, 2, 5] } as const;
const URIS_PER_GROUP = 10_000;

describe('shard router vs nginx hash $request_uri consistent', { timeout: 180_000 }, () => {
  let nginx: RunningServer;
  let padda: PaddaProcess;
  let front = 0;
  const routerPort: Record<string, number> = {};
  let backends: number[] = [];

  before(async () => {
    const ports = await freePorts(9);
    const admin = ports[0]!;
    front = ports[1]!;
    routerPort.u3 = ports[2]!;
    routerPort.u5 = ports[3]!;
    backends = ports.slice(4);
    const upstream = (name: string, weights: readonly number[]) => [
      `upstream ${name} {`, '  hash $request_uri consistent;',
      ...weights.map((w, i) => `  server 127.0.0.1:${backends[i]} weight=${w};`), '  keepalive 16;', '}',
    ].join('\n');
    nginx = await startNginx([
      upstream('u3', GROUPS.u3), upstream('u5', GROUPS.u5),
      ...backends.map((p) => `server { listen 127.0.0.1:${p}; keepalive_requests 100000; return 200 "${p}"; }`),
      `server {`, `  listen 127.0.0.1:${front};`, '  keepalive_requests 100000;',
      '  proxy_http_version 1.1;', '  proxy_set_header Connection "";',
      '  location /u3/ { proxy_pass http://u3; }', '  location /u5/ { proxy_pass http://u5; }', '}',
    ].join('\n'));
    const router = (name: keyof typeof GROUPS) => `
  ${name}:
    mode: shard-router
    listen: 127.0.0.1:${routerPort[name]}
    key: $request_uri
    distribution: ketama_nginx
    shards:
${GROUPS[name].map((w, i) => `      - { replicas: [http://127.0.0.1:${backends[i]}], weight: ${w} }`).join('\n')}`;
    padda = startPadda(`admin: { listen: 127.0.0.1:${admin} }\nlisteners:${router('u3')}${router('u5')}\n`);
    await waitForStatus(`http://127.0.0.1:${admin}/ready`);
  });
  after(async () => {
    await padda?.stop();
    await nginx?.stop();
  });

  /** The body (the upstream's port) each URI gets through one front. */
  async function upstreamsVia(port: number, list: string[]): Promise<number[]> {
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
    try {
      const answers = new Array<number>(list.length);
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next < list.length) {
          const i = next++;
          const res = await pool.request({ path: list[i]!, method: 'GET' });
          answers[i] = Number(await res.body.text());
        }
      }));
      return answers;
    } finally {
      await pool.close();
    }
  }

  for (const [group, weights] of Object.entries(GROUPS)) {
    it(`${URIS_PER_GROUP} URIs over ${weights.length} upstreams weighted ${weights.join('/')} land where nginx puts them`, async () => {
      const list = sampleUris(group, URIS_PER_GROUP, 7 + weights.length);
      const [viaNginx, viaPadda] = await Promise.all([upstreamsVia(front, list), upstreamsVia(routerPort[group]!, list)]);
      const wrong = list.flatMap((uri, i) => (viaNginx[i] === viaPadda[i] ? [] : [`${uri}: nginx ${viaNginx[i]}, padda ${viaPadda[i]}`]));
      assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${list.length} URIs differ`);
      assert.equal(new Set(viaPadda).size, weights.length, 'every upstream got keys');
    });
  }
});
