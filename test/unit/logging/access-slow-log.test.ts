import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessLog } from '../../../src/logging/access-log.ts';
import { AccessRecord } from '../../../src/logging/access-record.ts';
import { combinedAccessLine, isoTime, jsonString } from '../../../src/logging/formats.ts';
import type { LogSinks } from '../../../src/logging/log-sinks.ts';
import { SlowLog } from '../../../src/logging/slow-log.ts';
import { accessLogSchema, slowLogSchema } from '../../../src/logging/schema.ts';
import { HeadScanner, REQUEST } from '../../../src/protocols/http1/head-scanner.ts';
import { DEFAULT_HEAD_LIMITS } from '../../../src/protocols/http1/limits.ts';
import type { MessageHead } from '../../../src/protocols/http1/message-head.ts';

/** Destinations that keep lines in memory; LogSink itself is tested against real files. */
function memorySinks(): LogSinks & { lines: string[]; released: number } {
  const lines: string[] = [];
  const sinks = { lines, released: 0, acquire: () => ({ write: (line: string) => lines.push(line) }), release: async () => void sinks.released++ };
  return sinks as unknown as LogSinks & { lines: string[]; released: number };
}

function headOf(text: string): MessageHead {
  const scanner = new HeadScanner(REQUEST, DEFAULT_HEAD_LIMITS);
  assert.ok(scanner.scan(Buffer.from(text, 'latin1'), 0) > 0, 'the test head scans');
  return scanner.head!;
}

const HEAD = headOf('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8\r\nReferer: http://r/\r\n\r\n');

function record(): AccessRecord {
  const r = new AccessRecord(HEAD, '10.1.2.3', false);
  r.status = 200;
  r.bytesOut = 12;
  r.sentUpstream('127.0.0.1:8080');
  r.upstreamAnswered();
  r.requestId = 'r-1';
  r.shard = 'shard-2';
  r.cache = 'miss';
  return r;
}

test('json: one object per line, fixed fields in order, then the mode\'s facts; absent facts left out', () => {
  const sinks = memorySinks();
  const log = new AccessLog('web', accessLogSchema.parse({}), sinks);
  const r = record();
  log.end(r);
  assert.equal(sinks.lines.length, 1);
  assert.ok(sinks.lines[0]!.endsWith('}\n'));
  const line = JSON.parse(sinks.lines[0]!);
  assert.deepEqual(Object.keys(line), ['time', 'listener', 'client', 'method', 'target', 'protocol', 'status', 'bytes_in', 'bytes_out', 'duration_ms',
    'upstream', 'upstream_ms', 'request_id', 'referer', 'user_agent', 'shard', 'cache']);
  assert.equal(line.time, new Date(r.time).toISOString());
  assert.deepEqual({ ...line, time: 0, duration_ms: 0, upstream_ms: 0 }, {
    time: 0, listener: 'web', client: '10.1.2.3', method: 'GET', target: '/a?b=1', protocol: 'HTTP/1.1', status: 200, bytes_in: 0, bytes_out: 12,
    duration_ms: 0, upstream: '127.0.0.1:8080', upstream_ms: 0, request_id: 'r-1', referer: 'http://r/', user_agent: 'curl/8', shard: 'shard-2', cache: 'miss',
  });
  assert.ok(line.duration_ms >= 0 && line.upstream_ms >= 0);
});

test('json escapes what a client sends: quotes and backslashes in a field cannot end the object or add fields', () => {
  const sinks = memorySinks();
  const r = new AccessRecord(headOf('GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: x"},"status":1 \\ \xe9\r\n\r\n'), '::1', false);
  r.status = 404;
  new AccessLog('web', accessLogSchema.parse({}), sinks).end(r);
  assert.equal(sinks.lines[0]!.split('\n').length, 2);
  const line = JSON.parse(sinks.lines[0]!);
  assert.equal(line.status, 404);
  assert.equal(line.user_agent, 'x"},"status":1 \\ \xe9');
});

test('padda\'s own answer takes its status and x-padda-error; a client that left gets 499 unless an answer began', () => {
  const own = new AccessRecord(HEAD, '10.0.0.1', false);
  own.answered(503, ['content-type', 'text/plain', 'x-padda-error', 'no_upstream'], 20);
  assert.deepEqual([own.status, own.error, own.bytesOut], [503, 'no_upstream', 20]);
  const left = new AccessRecord(HEAD, '10.0.0.1', false);
  left.clientLeft();
  assert.deepEqual([left.status, left.error], [499, 'client_closed']);
  const cut = new AccessRecord(HEAD, '10.0.0.1', false);
  cut.status = 200;
  cut.clientLeft();
  assert.deepEqual([cut.status, cut.error], [200, 'client_closed']);
});

test('combined: nginx\'s fields, quoted ones escaped as ngx_http_log_escape does', () => {
  const r = new AccessRecord(headOf('GET /p HTTP/1.0\r\nUser-Agent: x"y\\z\xe9\r\n\r\n'), '10.0.0.9', false);
  r.status = 301;
  r.bytesOut = 5;
  const line = combinedAccessLine(r, new Date(2026, 0, 2, 3, 4, 5));
  assert.match(line, /^10\.0\.0\.9 - - \[02\/Jan\/2026:03:04:05 [+-]\d{4}\] "GET \/p HTTP\/1\.0" 301 5 "-" "x\\x22y\\x5Cz\\xE9"\n$/);
});

test('sampling is decided when a request begins: no record for one left out; slow_only when it ends', () => {
  const slow = memorySinks();
  const slowOnly = new AccessLog('web', accessLogSchema.parse({ slow_only: '50ms' }), slow);
  const quick = slowOnly.begin(HEAD, '10.0.0.1', false)!;
  slowOnly.end(quick);
  const late = slowOnly.begin(HEAD, '10.0.0.1', false)!;
  (late as { started: number }).started -= 60;
  slowOnly.end(late);
  assert.equal(slow.lines.length, 1);
  assert.ok(JSON.parse(slow.lines[0]!).duration_ms >= 60);
  const tenth = new AccessLog('web', accessLogSchema.parse({ sample: 0.1 }), memorySinks());
  let begun = 0;
  for (let i = 0; i < 20_000; i++) if (tenth.begin(HEAD, '10.0.0.1', false) !== null) begun++;
  assert.ok(begun > 1700 && begun < 2300, `${begun} of 20000 at 0.1`);
  const zero = new AccessLog('web', accessLogSchema.parse({ sample: 0 }), memorySinks());
  for (let i = 0; i < 1000; i++) assert.equal(zero.begin(HEAD, '10.0.0.1', false), null);
});

test('close lets go of the destination once', async () => {
  const sinks = memorySinks();
  const log = new AccessLog('web', accessLogSchema.parse({}), sinks);
  await log.close();
  await log.close();
  log.end(record());
  assert.equal(sinks.released, 1);
  assert.equal(sinks.lines.length, 0);
});

test('slow log: threshold, key shown, hashed or omitted; binary keys stay valid JSON', () => {
  const entry = { at: Date.UTC(2026, 0, 1), client: '10.0.0.9:40000', server: '10.0.0.1:6379:1', command: 'get', key: 'user:42', durationUs: 15_000 };
  const lines = (keys: string) => {
    const sinks = memorySinks();
    const log = new SlowLog('cache', slowLogSchema.parse({ threshold: '10ms', keys }), sinks);
    log.record({ ...entry, durationUs: 9_999 });
    log.record(entry);
    log.record({ ...entry, key: new Uint8Array([0xff, 0x00, 0x41]) });
    return sinks.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  const shown = lines('show');
  assert.equal(shown.length, 2, 'the fast one is not logged');
  assert.deepEqual(shown[0], { time: '2026-01-01T00:00:00.000Z', id: 0, listener: 'cache', client: '10.0.0.9:40000', server: '10.0.0.1:6379:1', command: 'get', key: 'user:42', duration_us: 15000 });
  assert.equal(shown[1]!.id, 1);
  assert.equal(shown[1]!.key, 'base64:/wBB');
  assert.match(String(lines('hash')[0]!.key), /^sha256:[0-9a-f]{16}$/);
  assert.equal(lines('hash')[0]!.key, lines('hash')[0]!.key, 'the same key hashes the same');
  assert.equal('key' in lines('omit')[0]!, false);
});

test('isoTime is Date#toISOString, across seconds, milliseconds and years', () => {
  for (const ms of [0, 1, 999, 1000, 1_700_000_000_007, 1_700_000_000_070, 1_700_000_000_700, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1)]) {
    assert.equal(isoTime(ms), new Date(ms).toISOString());
  }
  for (let i = 0; i < 2000; i++) {
    const ms = Math.floor(Math.random() * 4e12);
    assert.equal(isoTime(ms), new Date(ms).toISOString());
  }
});

test('jsonString is JSON.stringify for any string', () => {
  const samples = ['', 'plain', 'a"b', 'a\\b', '\x00\x1f\x7f', 'tab\there', 'line\nbreak', '\xe9\xff latin1', 'é ✓ 😀', '\ud800 lone', 'x\udc00', '\u2028\u2029', '</script>'];
  for (let i = 0; i < 500; i++) samples.push(String.fromCharCode(...Array.from({ length: 8 }, () => Math.floor(Math.random() * 0x10000))));
  for (const text of samples) assert.equal(jsonString(text), JSON.stringify(text), JSON.stringify(text));
});
