/**
 * A pipelined memcached text-protocol load generator: N connections, each
 * sending a batch of `depth` get or set requests for random keys, waiting
 * for all their replies, and sending the next. Latency is per request, from
 * its batch's write to its reply. Prints one JSON LoadSample line; run as
 * its own process so it never shares an event loop with what it measures.
 *
 *   node bench/support/memcache-load.ts --port 11211 --op get --depth 16 --connections 50 --seconds 8
 *
 * `--op mget --keys-per-get 10` sends multi-gets (one request, one END).
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import type { LoadSample } from './wrk.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    op: { type: 'string', default: 'get' },
    depth: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    keys: { type: 'string', default: '10000' },
    'value-size': { type: 'string', default: '32' },
    'keys-per-get': { type: 'string', default: '10' },
  },
});
const port = Number(values.port);
const depth = Number(values.depth);
const keyCount = Number(values.keys);
const value = 'x'.repeat(Number(values['value-size']));

/**
 * Pre-built batches, cycled, so building requests costs the generator
 * nothing while it measures. Gets pick keys at random; sets walk the keys
 * in order, so a preload stores every one.
 */
const batches = Array.from({ length: 512 }, (_, batch) => {
  let text = '';
  for (let i = 0; i < depth; i++) {
    const index = values.op === 'set' ? (batch * depth + i) % keyCount : Math.floor(Math.random() * keyCount);
    const key = `${index}:bench`;
    if (values.op === 'set') text += `set ${key} 0 0 ${value.length}\r\n${value}\r\n`;
    else if (values.op === 'mget') text += `get ${Array.from({ length: Number(values['keys-per-get']) }, () => `${Math.floor(Math.random() * keyCount)}:bench`).join(' ')}\r\n`;
    else text += `get ${key}\r\n`;
  }
  return Buffer.from(text);
});

/** Latency histogram in 10 µs buckets up to 10 s. */
const BUCKET_US = 10;
const histogram = new Uint32Array(1_000_000);
let measuring = false;
let completed = 0;
let errors = 0;

const END = 0x45; // 'E': END, ERROR
const STORED = 0x53; // 'S': STORED, SERVER_ERROR
const CLIENT = 0x43; // 'C': CLIENT_ERROR

function connection(): void {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  let next = Math.floor(Math.random() * batches.length);
  let outstanding = 0;
  let sentAt = 0;
  let rest: Buffer | null = null;
  const send = () => {
    outstanding = depth;
    sentAt = performance.now();
    socket.write(batches[next]!);
    next = (next + 1) % batches.length;
  };
  socket.on('connect', send);
  socket.on('error', (error) => {
    console.error(`connection failed: ${error.message}`);
    process.exit(1);
  });
  socket.on('data', (chunk: Buffer) => {
    const data = rest === null ? chunk : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let newline = data.indexOf(10, start); newline >= 0; newline = data.indexOf(10, start)) {
      // A reply ends at END, STORED or an error line; VALUE and data lines (all 'x') do not.
      const first = data[start];
      const length = newline - start;
      const ends = (first === END && length === 4) || (first === STORED && length === 7 && data[start + 1] === 0x54);
      const failed = (first === END && length > 4) || (first === STORED && data[start + 1] === 0x45) || first === CLIENT;
      if (ends || failed) {
        if (failed) errors++;
        outstanding--;
        if (measuring) {
          completed++;
          histogram[Math.min(histogram.length - 1, Math.floor(((performance.now() - sentAt) * 1000) / BUCKET_US))]!++;
        }
      }
      start = newline + 1;
    }
    rest = start < data.length ? data.subarray(start) : null;
    if (outstanding === 0) send();
  });
}

function percentile(p: number): number {
  const target = completed * p;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= target) return ((i + 1) * BUCKET_US) / 1000;
  }
  return NaN;
}

for (let i = 0; i < Number(values.connections); i++) connection();
setTimeout(() => {
  measuring = true;
  const began = performance.now();
  setTimeout(() => {
    const seconds = (performance.now() - began) / 1000;
    const sample: LoadSample = { requestsPerSecond: completed / seconds, p50Ms: percentile(0.5), p99Ms: percentile(0.99), errors };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
    process.exit(0);
  }, Number(values.seconds) * 1000);
}, Number(values.warmup) * 1000);
