import http from 'node:http';
import type net from 'node:net';
import { freePorts } from '../test/support/ports.ts';
import { startPaddaServer } from './support/padda.ts';
import { wrk } from './support/wrk.ts';
const [paddaPort, adminPort] = await freePorts(2);
const body = 'x'.repeat(1024);
const app = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => { res.writeHead(200, { 'content-length': body.length }); res.end(body); });
await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
const backendPort = (app.address() as net.AddressInfo).port;
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${adminPort} }
log: { level: warn }
listeners:
  plain: { mode: sidecar, listen: 127.0.0.1:${paddaPort}, upstream: http://127.0.0.1:${backendPort} }
`, [paddaPort]);
for (const c of [1, 4, 16, 50]) {
  const s = await wrk({ url: `http://127.0.0.1:${paddaPort}/`, connections: c, seconds: 3 });
  console.log(`c=${c} padda ${s.requestsPerSecond.toFixed(0)}/s p99 ${s.p99Ms}`);
}
await padda.stop(); app.close();
