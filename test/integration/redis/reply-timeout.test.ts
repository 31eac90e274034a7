import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../../src/log.ts';
import { Registry } from '../../../src/metrics/registry.ts';
import { RespFramer } from '../../../src/modes/redis/resp-framer.ts';
import type { UpstreamError } from '../../../src/upstream/errors.ts';
import type { InFlight } from '../../../src/upstream/in-flight.ts';
import { ServerPool } from '../../../src/upstream/server-pool.ts';
import { parseServerSpec, type ServerSpec } from '../../../src/upstream/server-spec.ts';
import { startRedis, type RunningServer } from '../../support/servers.ts';

/** A request whose outcome the test reads: the reply's text or the error's message. */
class Probe implements InFlight {
  sentAt = 0;
  readonly outcome: Promise<string>;
  #settle!: (outcome: string) => void;
  constructor() {
    this.outcome = new Promise((resolve) => (this.#settle = resolve));
  }
  reply(bytes: Buffer): void {
    this.#settle(bytes.toString());
  }
  fail(error: UpstreamError): void {
    this.#settle(`failed: ${error.message}`);
  }
}

let redis: RunningServer;
let pool: ServerPool<Probe>;

before(async () => {
  redis = await startRedis();
  const spec = parseServerSpec(`127.0.0.1:${redis.ports[0]}:1`) as ServerSpec;
  pool = new ServerPool<Probe>(
    [spec],
    { timeout: 100, tcpKeepalive: false, connections: 1, autoEject: false, retryTimeout: 1000, failureLimit: 2, preconnect: true },
    () => new RespFramer<Probe>(),
    { listener: 'reply-timeout', registry: new Registry(), log: createLogger('silent') },
    { topologyChanged: () => {} },
  );
  pool.start();
  const warm = new Probe();
  pool.connection(0, 0).send(warm, Buffer.from('PING\r\n'));
  assert.equal(await warm.outcome, '+PONG\r\n');
});

after(async () => {
  pool.close();
  await redis.stop();
});

test('a reply that arrived while the event loop was busy answers its request, though the timeout passed meanwhile', async () => {
  const probe = new Probe();
  const connection = pool.connection(0, 0);
  connection.send(probe, Buffer.from('PING\r\n'));
  connection.flush();
  // Busy past the 100 ms timeout: the reply lands in the socket, and on return
  // libuv's timer phase (the sweep) comes before the poll phase that reads it.
  const until = performance.now() + 300;
  while (performance.now() < until);
  assert.equal(await probe.outcome, '+PONG\r\n');
});

test('a server that does not answer in time still fails the request with a timeout', async () => {
  const probe = new Probe();
  pool.connection(0, 0).send(probe, Buffer.from('EVAL "local t = redis.call(\'TIME\') while true do local n = redis.call(\'TIME\') if (n[1] - t[1]) * 1000000 + n[2] - t[2] > 400000 then break end end return 1" 0\r\n'));
  assert.match(await probe.outcome, /^failed: timed out after 100 ms$/);
});
