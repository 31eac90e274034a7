/**
 * Differential test of padda's HTTP/1.1 scanner, framing and chunked
 * decoder against llhttp (node:http's parser) in strict mode, over 120 000
 * generated and mutated requests and responses, each followed by another
 * message so that a disagreement about where the first ends shows:
 * - padda accepts no message llhttp refuses;
 * - for every message both accept, method, target, version, header fields,
 *   body bytes and trailers are equal.
 * padda may refuse more (it is stricter by design: one space in a request
 * line, HTTP/1.0 and 1.1 only, one Host, no unsupported transfer coding, …).
 * The counts are printed as test diagnostics.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REQUEST, RESPONSE } from '../../src/protocols/http1/head-scanner.ts';
import { llhttpRead, paddaRead, type ReadMessage, type ReadResult } from '../support/http1-messages.ts';
import { randomChunks, seededRandom } from '../support/seeded-random.ts';

const CASES = 60_000;

type Random = () => number;
const pick = <T>(next: Random, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
const chance = (next: Random, p: number) => next() < p;

/** Mostly what a real peer sends, sometimes (`odd`) what an attacker or a broken peer does. */
const either = <T>(next: Random, usual: readonly T[], odd: readonly T[]): T => pick(next, chance(next, 0.08) ? odd : usual);

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'M-SEARCH', 'QUERY', 'PURGE'];
const ODD_METHODS = ['CONNECT', 'get', 'FOO', 'G(T', 'GE T', '', 'PRI'];
const TARGETS = ['/', '/a/b?c=d&e', '/%41%zz', '/a//b/../c', 'http://h.example/x?y', 'https://h:8443', '//x', '/?', '/~!$&\'()*+,;=:@'];
const ODD_TARGETS = ['*', 'h.example:443', '/a#frag', '/ä', '/a\tb', '/a b', '/"<>\\^`{|}', '', 'http://u@h/x', 'ftp://h/x', 'http://h!/'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'];
const ODD_VERSIONS = ['HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'http/1.1', 'HTTP/1.1 ', 'HTTP/11'];
const NAMES = ['Accept', 'User-Agent', 'X-Forwarded-For', 'Cookie', 'X-Custom', 'x-a', 'Content-Type', 'A!#$%&\'*+-.^_`|~z', 'Connection', 'Keep-Alive'];
const ODD_NAMES = ['Upgrade', 'Expect', 'Trailer', 'TE', 'X Y', 'X"Y', 'X:Y', '', 'Host'];
const VALUES = ['text/html', 'a, b', '', '  spaced  ', 'ü\xff', 'tab\there', 'keep-alive', 'a=1; b=2', '"quoted"'];
const ODD_VALUES = ['close', 'Upgrade', 'keep-alive, X-Custom', '100-continue', 'websocket', 'x\x7fy', 'x\0y', 'x\ry', 'value\x01'];
const TE_VALUES = ['chunked', 'chunked', 'CHUNKED', 'Chunked'];
const ODD_TE_VALUES = ['gzip, chunked', 'chunked, gzip', 'xchunked', 'chunked ', ' chunked', 'chunked,', ',chunked', 'chunked, chunked', 'identity',
  'chunked;q=1', 'chun ked', 'deflate,chunked', ''];
const ODD_CL_VALUES = ['0', '05', '+5', '-1', '5 ', ' 5', '5,5', '5, 5', '1e1', '0x5', '99999999999999999999', '9007199254740993', ''];
const HOSTS = ['a.example', 'a.example:8080', '[::1]:80', '1.2.3.4', ''];
const ODD_HOSTS = ['a/b', 'u@a', 'a b', 'a:1:2', '[::1', 'a\\b'];
const REASONS = ['OK', 'Not Found', '', 'Custom Reason'];
const ODD_REASONS = ['ünï', 'a\tb', 'x\x7f'];
const STATUSES = [200, 200, 200, 201, 204, 304, 301, 404, 500];
const ODD_STATUSES = [100, 101, 103, 999, 42, 1000];
const SPECIAL = ['\r', '\n', '\r\n', ' ', '\t', '\0', ':', ',', ';', '"', '=', '\x7f', '\xff', '/', '@', 'chunked', 'Content-Length: 3\r\n',
  'Transfer-Encoding: chunked\r\n', '0\r\n\r\n', 'Host: x\r\n'];

function chunkedBody(next: Random, payload: string): string {
  let body = '';
  let at = 0;
  while (at < payload.length) {
    const size = Math.min(payload.length - at, 1 + Math.floor(next() * 9));
    const hex = size.toString(16);
    const sizeText = chance(next, 0.1) ? `0${hex}` : chance(next, 0.1) ? hex.toUpperCase() : hex;
    const ext = chance(next, 0.15) ? either(next, [';a', ';a=b', ';a="q v"', ';a=b;c'], ['; a', ';a=', ';=b', ';a="x', ';a=b c']) : '';
    body += `${sizeText}${ext}\r\n${payload.slice(at, at + size)}\r\n`;
    at += size;
  }
  const trailers = chance(next, 0.2) ? either(next, ['X-Sum: 1\r\n', 'A: b\r\nC:d\r\n'], ['Bad Name: x\r\n', 'X: \x01\r\n', ' X: y\r\n']) : '';
  return `${body}0${chance(next, 0.05) ? ';e' : ''}\r\n${trailers}\r\n`;
}

function fields(next: Random, framing: string[]): string {
  const lines: string[] = [];
  const count = Math.floor(next() * 6);
  for (let i = 0; i < count; i++) lines.push(`${either(next, NAMES, ODD_NAMES)}:${chance(next, 0.8) ? ' ' : ''}${either(next, VALUES, ODD_VALUES)}`);
  for (const line of framing) lines.splice(Math.floor(next() * (lines.length + 1)), 0, line);
  return lines.map((line) => `${line}\r\n`).join('');
}

/** Framing fields and the body they announce. */
function framing(next: Random, payload: string): { lines: string[]; body: string } {
  const roll = next();
  if (roll < 0.35) return { lines: [], body: '' };
  if (roll < 0.6) {
    const value = chance(next, 0.9) ? String(payload.length) : pick(next, ODD_CL_VALUES);
    const lines = [`Content-Length: ${value}`];
    if (chance(next, 0.05)) lines.push(`Content-Length: ${chance(next, 0.5) ? value : pick(next, ODD_CL_VALUES)}`);
    if (chance(next, 0.05)) lines.push(`Transfer-Encoding: ${either(next, TE_VALUES, ODD_TE_VALUES)}`);
    return { lines, body: payload };
  }
  const lines = [`Transfer-Encoding: ${either(next, TE_VALUES, ODD_TE_VALUES)}`];
  if (chance(next, 0.05)) lines.push(`Transfer-Encoding: ${either(next, TE_VALUES, ODD_TE_VALUES)}`);
  if (chance(next, 0.05)) lines.push(`Content-Length: ${pick(next, ODD_CL_VALUES)}`);
  return { lines, body: chunkedBody(next, payload) };
}

function payload(next: Random): string {
  return 'p'.repeat(Math.floor(next() * 24)) + (chance(next, 0.1) ? '\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\n' : '');
}

function request(next: Random): string {
  const method = either(next, METHODS, ODD_METHODS);
  const { lines, body } = framing(next, payload(next));
  const host = chance(next, 0.95) ? [`Host: ${either(next, HOSTS, ODD_HOSTS)}`] : [];
  if (chance(next, 0.03)) host.push('Host: other.example');
  const space = chance(next, 0.03) ? '  ' : ' ';
  return `${method}${space}${either(next, TARGETS, ODD_TARGETS)} ${either(next, VERSIONS, ODD_VERSIONS)}\r\n${fields(next, [...host, ...lines])}\r\n${body}`;
}

function response(next: Random): string {
  const status = either(next, STATUSES, ODD_STATUSES);
  const { lines, body } = framing(next, payload(next));
  const reason = either(next, REASONS, ODD_REASONS);
  const statusLine = chance(next, 0.05) ? `HTTP/1.1 ${status}` : `${either(next, VERSIONS, ODD_VERSIONS)} ${status} ${reason}`;
  return `${statusLine}\r\n${fields(next, lines)}\r\n${body}`;
}

function mutate(next: Random, text: string): string {
  let result = text;
  const edits = 1 + Math.floor(next() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (result.length + 1));
    const roll = next();
    if (roll < 0.3) result = result.slice(0, at) + pick(next, SPECIAL) + result.slice(at);
    else if (roll < 0.5) result = result.slice(0, at) + result.slice(at + 1 + Math.floor(next() * 3));
    else if (roll < 0.7) result = result.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + result.slice(at + 1);
    else if (roll < 0.85) result = result.replace('\r\n', pick(next, ['\n', '\r', '\r\r\n', '\r\n ', '\r\n\t']));
    else result = result.slice(0, at) + (result[at] ?? '').toUpperCase() + result.slice(at + 1);
  }
  return result;
}

interface Tally {
  cases: number;
  mutated: number;
  bothAccept: number;
  messagesCompared: number;
  onlyPaddaRefuses: number;
  bothRefuse: number;
  /** Why padda refused what llhttp accepted, by padda's error code: where padda is stricter. */
  stricter: Record<string, number>;
}

function same(a: ReadMessage, b: ReadMessage): boolean {
  return a.method === b.method && a.target === b.target && a.minor === b.minor && a.status === b.status && a.body === b.body &&
    a.upgrade === b.upgrade && a.headers.join('\n') === b.headers.join('\n') && a.trailers.join('\n') === b.trailers.join('\n');
}

/** Compares one input's readings; returns a description of a violation, or null. */
function compare(padda: ReadResult, llhttp: ReadResult, tally: Tally): string | null {
  for (let i = 0; i < padda.messages.length; i++) {
    const theirs = llhttp.messages[i];
    if (theirs === undefined) return `padda accepted message ${i}, which llhttp refused (${llhttp.error})`;
    if (!same(padda.messages[i]!, theirs)) return `message ${i} differs:\n padda  ${JSON.stringify(padda.messages[i])}\n llhttp ${JSON.stringify(theirs)}`;
    tally.messagesCompared++;
  }
  const paddaRefused = padda.error !== null || padda.messages.length < llhttp.messages.length;
  const llhttpRefused = llhttp.error !== null;
  if (!paddaRefused) tally.bothAccept++;
  else if (llhttpRefused) tally.bothRefuse++;
  else {
    tally.onlyPaddaRefuses++;
    const why = padda.error ?? 'stopped';
    tally.stricter[why] = (tally.stricter[why] ?? 0) + 1;
  }
  return null;
}

function run(kind: number, seed: number, generate: (next: Random) => string, follower: string): Tally {
  const next = seededRandom(seed);
  const tally: Tally = { cases: 0, mutated: 0, bothAccept: 0, messagesCompared: 0, onlyPaddaRefuses: 0, bothRefuse: 0, stricter: {} };
  for (let i = 0; i < CASES; i++) {
    let text = generate(next);
    if (chance(next, 0.4)) {
      text = mutate(next, text);
      tally.mutated++;
    }
    const input = Buffer.from(text + follower, 'latin1');
    const whole = paddaRead(kind, [input]);
    const theirs = llhttpRead(kind, input);
    const violation = compare(whole, theirs, tally);
    assert.equal(violation, null, `case ${i} (seed ${seed}): ${JSON.stringify(text)}\n${violation}`);
    if (i % 8 === 0) {
      // However the bytes are cut, padda reads the same messages.
      assert.deepEqual(paddaRead(kind, randomChunks(next, input, 16)), whole, `case ${i}: chunked differently`);
    }
    tally.cases++;
  }
  return tally;
}

test('requests: padda accepts nothing llhttp refuses, and reads what both accept identically', (t) => {
  const tally = run(REQUEST, 0x11177, request, 'GET /next HTTP/1.1\r\nHost: next.example\r\n\r\n');
  t.diagnostic(JSON.stringify(tally));
  assert.ok(tally.bothAccept > 15_000, 'enough requests were valid for the comparison to mean something');
});

test('responses: padda accepts nothing llhttp refuses, and reads what both accept identically', (t) => {
  const tally = run(RESPONSE, 0x2e5b0, response, 'HTTP/1.1 204 No Content\r\n\r\n');
  t.diagnostic(JSON.stringify(tally));
  assert.ok(tally.bothAccept > 15_000, 'enough responses were valid for the comparison to mean something');
});
