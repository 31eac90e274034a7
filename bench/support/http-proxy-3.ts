/**
 * http-proxy-3 as its README shows it, with a keep-alive agent and the
 * X-Forwarded headers on, as a standalone process for bench/http.ts:
 *
 *   node bench/support/http-proxy-3.ts LISTEN_PORT TARGET_URL
 */
import http from 'node:http';
import { createProxyServer } from 'http-proxy-3';

const [port, target] = process.argv.slice(2) as [string, string];
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const proxy = createProxyServer({ target, agent, xfwd: true });
proxy.on('error', (_error, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502);
    res.end();
  }
});
http.createServer((req, res) => proxy.web(req, res)).listen(Number(port), '127.0.0.1');
