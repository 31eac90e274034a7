/**
 * Leaf servers for bench/scatter.ts, run as their own process so their
 * work does not skew the client's clock: one node:http server per port in
 * argv, each answering `{"docs":[{"id":<port>}]}` after a delay drawn per
 * request — uniform within ±20 % of `--median`, except that a
 * `--slow-fraction` of requests take `--slow-factor` × the median (the
 * straggler tail of The Tail at Scale). `--median 0` answers at once.
 *
 *   node bench/support/latency-leaves.ts --median 10 --slow-fraction 0.01 --slow-factor 20 PORT…
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    median: { type: 'string', default: '10' },
    'slow-fraction': { type: 'string', default: '0.01' },
    'slow-factor': { type: 'string', default: '20' },
  },
});
const median = Number(values.median);
const slowFraction = Number(values['slow-fraction']);
const slowFactor = Number(values['slow-factor']);

function delay(): number {
  if (Math.random() < slowFraction) return median * slowFactor;
  return median * (0.8 + 0.4 * Math.random());
}

for (const port of positionals.map(Number)) {
  const body = JSON.stringify({ docs: [{ id: port }] });
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    const answer = () => {
      res.writeHead(200, headers);
      res.end(body);
    };
    if (median === 0) answer();
    else setTimeout(answer, delay());
  });
  server.listen(port, '127.0.0.1');
}
