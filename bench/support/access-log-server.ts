/**
 * The access log's cost, isolated: a node:http server answering a fixed body,
 * with (argv[3] = json | combined) or without (none) an AccessLog record per
 * request at full sampling to a file. Run by bench/access-log.ts, one process
 * per target. Prints its port on stdout.
 *
 *   node bench/support/access-log-server.ts PORT none|json|combined FILE
 */
import http from 'node:http';
import { AccessLog } from '../../src/logging/access-log.ts';
import { LogSinks } from '../../src/logging/log-sinks.ts';
import { accessLogSchema } from '../../src/logging/schema.ts';
import { Registry } from '../../src/metrics/registry.ts';

const [port, format, file] = process.argv.slice(2) as [string, 'none' | 'json' | 'combined', string];
const body = Buffer.from('hello from the app\n');
const sinks = new LogSinks(new Registry());
const log = format === 'none' ? null : new AccessLog('web', accessLogSchema.parse({ format, path: file }), sinks.acquire('access', file, 4 << 20));

http.createServer((req, res) => {
  const startedAt = Date.now();
  const started = performance.now();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
  if (log === null) return;
  const durationMs = performance.now() - started;
  if (!log.wants(durationMs)) return;
  log.record({
    startedAt, client: req.socket.remoteAddress ?? '', method: req.method ?? '', target: req.url ?? '', protocol: `HTTP/${req.httpVersion}`,
    status: 200, bytesIn: 0, bytesOut: body.length, durationMs, upstream: '127.0.0.1:8080', upstreamMs: durationMs,
    userAgent: req.headers['user-agent'] ?? '', facts: { shard: 'shard-1' },
  });
}).listen(Number(port), '127.0.0.1', () => console.log(port));
