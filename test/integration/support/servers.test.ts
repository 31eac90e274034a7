import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { exchange } from '../../support/key-location.ts';
import { freePorts } from '../../support/ports.ts';
import {
  nginxListenPorts, nutcrackerListenPorts, startMemcached, startNginx, startNutcracker, startRedis,
  type RunningServer,
} from '../../support/servers.ts';

/** Sends one request on a fresh connection and resolves with the first reply chunk. */
function ask(port: number, request: string): Promise<string> {
  return exchange({ host: '127.0.0.1', port }, request, () => true);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('test/support/servers', () => {
  const started: RunningServer[] = [];
  after(() => Promise.all(started.map((s) => s.stop())));

  it('starts redis, memcached, nutcracker and nginx, and stops them by pid', async () => {
    const [redis, memcached] = await Promise.all([startRedis(), startMemcached()]);
    started.push(redis, memcached);
    const [proxyPort, httpPort] = await freePorts(2);
    const nutcracker = await startNutcracker(
      `alpha:\n  listen: 127.0.0.1:${proxyPort}\n  redis: true\n  servers:\n    - 127.0.0.1:${redis.port}:1\n`,
    );
    const nginx = await startNginx(`server { listen 127.0.0.1:${httpPort}; return 200 "ok"; }`);
    started.push(nutcracker, nginx);

    assert.equal(await ask(redis.port, 'PING\r\n'), '+PONG\r\n');
    assert.match(await ask(memcached.port, 'version\r\n'), /^VERSION /);
    assert.equal(await ask(proxyPort, '*1\r\n$4\r\nPING\r\n'), '+PONG\r\n');
    assert.match(await ask(httpPort, 'GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200 OK[\s\S]*ok$/);

    for (const s of [nginx, nutcracker, memcached, redis]) {
      await s.stop();
      assert.equal(alive(s.pid), false, `${s.label} still runs`);
    }
  });

  it('reports the program\'s own complaint when it exits before listening', async () => {
    const [port] = await freePorts(1);
    await assert.rejects(startNginx(`server { listen 127.0.0.1:${port}; no_such_directive; }`),
      /nginx:\d+ exited with code 1 before listening[\s\S]*unknown directive "no_such_directive"/);
  });

  it('refuses to count a port another process holds as started', async () => {
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await assert.rejects(startNginx(`server { listen 127.0.0.1:${port}; return 200; }`),
        /held by another process|exited with code 1 before listening/);
    } finally {
      squatter.close();
    }
  });

  it('finds listen ports in nutcracker and nginx configs', () => {
    assert.deepEqual(nutcrackerListenPorts('a:\n  listen: 127.0.0.1:22121\nb:\n  listen: "0.0.0.0:22122"\n'), [22121, 22122]);
    assert.deepEqual(nginxListenPorts('server {\n listen 8080;\n listen 127.0.0.1:8081 reuseport;\n}'), [8080, 8081]);
  });
});
