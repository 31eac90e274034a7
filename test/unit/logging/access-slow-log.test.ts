import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessLog } from '../../../src/logging/access-log.ts';
import type { AccessRecord } from '../../../src/logging/access-record.ts';
import type { LogSink } from '../../../src/logging/log-sink.ts';
import { SlowLog } from '../../../src/logging/slow-log.ts';
import { accessLogSchema, slowLogSchema } from '../../../src/logging/schema.ts';

/** A sink that keeps lines in memory; LogSink itself is tested against real files. */
function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) } as unknown as LogSink & { lines: string[] };
}

const record = (durationMs: number): AccessRecord => ({
  startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678), client: '10.1.2.3', method: 'GET', target: '/a?b=1', protocol: 'HTTP/1.1',
  status: 200, bytesIn: 0, bytesOut: 12, durationMs, upstream: '127.0.0.1:8080', upstreamMs: 1.5, requestId: 'r-1',
  facts: { shard: 'shard-2', cache: 'miss' },
});

test('json: one object per line, fixed fields, then the mode\'s facts', () => {
  const sink = memorySink();
  new AccessLog('web', accessLogSchema.parse({}), sink).record(record(2.3456789));
  assert.equal(sink.lines.length, 1);
  assert.ok(sink.lines[0]!.endsWith('}\n'));
  assert.deepEqual(JSON.parse(sink.lines[0]!), {
    time: '2026-01-02T03:04:05.678Z', listener: 'web', client: '10.1.2.3', method: 'GET', target: '/a?b=1', protocol: 'HTTP/1.1',
    status: 200, bytes_in: 0, bytes_out: 12, duration_ms: 2.346, upstream: '127.0.0.1:8080', upstream_ms: 1.5, request_id: 'r-1',
    shard: 'shard-2', cache: 'miss',
  });
});

test('slow_only logs only requests at least that slow; sample logs about that fraction', () => {
  const slow = memorySink();
  const slowOnly = new AccessLog('web', accessLogSchema.parse({ slow_only: '100ms' }), slow);
  slowOnly.record(record(99.9));
  slowOnly.record(record(100));
  assert.equal(slow.lines.length, 1);
  const sampled = memorySink();
  const tenth = new AccessLog('web', accessLogSchema.parse({ sample: 0.1 }), sampled);
  for (let i = 0; i < 20_000; i++) tenth.record(record(1));
  assert.ok(sampled.lines.length > 1700 && sampled.lines.length < 2300, `${sampled.lines.length} of 20000 at 0.1`);
  const none = memorySink();
  const zero = new AccessLog('web', accessLogSchema.parse({ sample: 0 }), none);
  for (let i = 0; i < 1000; i++) zero.record(record(1));
  assert.equal(none.lines.length, 0);
});

test('slow log: threshold, key shown, hashed or omitted; binary keys stay valid JSON', () => {
  const entry = { at: Date.UTC(2026, 0, 1), server: '10.0.0.1:6379:1', command: 'GET', key: 'user:42', durationUs: 15_000 };
  const lines = (keys: string) => {
    const sink = memorySink();
    const log = new SlowLog('cache', slowLogSchema.parse({ threshold: '10ms', keys }), sink);
    log.record({ ...entry, durationUs: 9_999 });
    log.record(entry);
    log.record({ ...entry, key: new Uint8Array([0xff, 0x00, 0x41]) });
    return sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  const shown = lines('show');
  assert.equal(shown.length, 2, 'the fast one is not logged');
  assert.deepEqual(shown[0], { time: '2026-01-01T00:00:00.000Z', listener: 'cache', server: '10.0.0.1:6379:1', command: 'GET', key: 'user:42', duration_us: 15000 });
  assert.equal(shown[1]!.key, 'base64:/wBB');
  assert.match(String(lines('hash')[0]!.key), /^sha256:[0-9a-f]{16}$/);
  assert.equal(lines('hash')[0]!.key, lines('hash')[0]!.key, 'the same key hashes the same');
  assert.equal('key' in lines('omit')[0]!, false);
});
