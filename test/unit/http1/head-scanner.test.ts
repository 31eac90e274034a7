/** The HTTP/1.1 head scanner and framing rules: what is read, what is refused (with which answer), and limits. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAILED, HeadScanner, NEED_MORE, REQUEST, RESPONSE } from '../../../src/protocols/http1/head-scanner.ts';
import { COOKIE, HOST } from '../../../src/protocols/http1/field-names.ts';
import { requestBody, responseBody } from '../../../src/protocols/http1/framing.ts';
import { CHUNKED, EXPECT_CONTINUE, LENGTH, NO_BODY, UNTIL_CLOSE } from '../../../src/protocols/http1/message-head.ts';
import { ABSOLUTE_FORM, ASTERISK_FORM, ORIGIN_FORM } from '../../../src/protocols/http1/request-target.ts';
import { paddaRead } from '../../support/http1-messages.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

function scanOne(kind: number, text: string, limits?: { maxStartLine: number; maxHeadSize: number }) {
  const scanner = new HeadScanner(kind, limits);
  const at = scanner.scan(bytes(text), 0);
  return { scanner, at, head: at >= 0 ? scanner.head! : null, error: scanner.error };
}

/** The answer padda gives a request head: `status reason`, or `ok`. */
function verdict(text: string): string {
  const { error } = scanOne(REQUEST, text);
  return error === null ? 'ok' : `${error.status} ${error.reason}`;
}

describe('request heads', () => {
  test('start line, fields and offsets; the head ends where the body starts', () => {
    const text = 'POST /a/b?c=d HTTP/1.1\r\nHost: app.example\r\nX-Spaced:  a b \t\r\nCookie: a=1\r\ncookie: b=2\r\nContent-Length: 3\r\n\r\nabc';
    const { at, head } = scanOne(REQUEST, text);
    assert.equal(at, text.length - 3);
    assert.equal(head!.method, 'POST');
    assert.equal(head!.target, '/a/b?c=d');
    assert.equal(head!.targetForm, ORIGIN_FORM);
    assert.equal(head!.minor, 1);
    assert.equal(head!.fieldCount, 5);
    assert.equal(head!.value(1), 'a b', 'whitespace around a value is not part of it');
    assert.equal(head!.get('x-spaced'), 'a b');
    assert.equal(head!.get('cookie', COOKIE), 'a=1; b=2', 'cookies joined as RFC 9113 §8.2.3 says');
    assert.equal(head!.get('host', HOST), 'app.example');
    assert.equal(head!.get('missing'), undefined);
    assert.equal(head!.contentLength, 3);
    assert.equal(requestBody(head!), LENGTH);
  });

  test('keep-alive, close, upgrade and 100-continue are read from Connection and Expect', () => {
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n').head!.close, false);
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n').head!.close, true);
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.0\r\n\r\n').head!.close, true, 'HTTP/1.0 closes unless asked not to');
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').head!.close, false);
    const upgrade = scanOne(REQUEST, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n').head!;
    assert.equal(upgrade.upgrade, true);
    assert.equal(upgrade.connectionNamesFields, false);
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n').head!.upgrade, false, 'Upgrade without Connection: upgrade is ignored');
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close, X-Secret\r\n\r\n').head!.connectionNamesFields, true);
    assert.equal(scanOne(REQUEST, 'PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n').head!.expect, EXPECT_CONTINUE);
  });

  test('target forms: origin, absolute (http and https only, no userinfo), OPTIONS *, CONNECT host:port', () => {
    const absolute = scanOne(REQUEST, 'GET HTTP://Other.Example:8080/x?y HTTP/1.1\r\nHost: h\r\n\r\n').head!;
    assert.equal(absolute.targetForm, ABSOLUTE_FORM);
    assert.equal(absolute.buffer.toString('latin1', absolute.authorityStart, absolute.authorityEnd), 'Other.Example:8080');
    assert.equal(scanOne(REQUEST, 'OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n').head!.targetForm, ASTERISK_FORM);
    for (const target of ['http://u@h/x', 'ftp://h/x', 'http:///x', 'h:80', 'http://h#f', '/a#f', 'x']) {
      assert.equal(verdict(`GET ${target} HTTP/1.1\r\nHost: h\r\n\r\n`), '400 bad_request_target', target);
    }
    assert.equal(verdict('GET * HTTP/1.1\r\nHost: h\r\n\r\n'), '400 bad_request_target', '* is for OPTIONS');
    assert.equal(verdict('CONNECT h.example:443 HTTP/1.1\r\nHost: h\r\n\r\n'), 'ok', 'read; the engine refuses it');
  });

  test('issue 16: HTTP/2.0, double spaces, Host with / or @, and gzip, chunked are refused', () => {
    assert.equal(verdict('GET / HTTP/2.0\r\nHost: h\r\n\r\n'), '400 bad_request');
    assert.equal(verdict('GET  / HTTP/1.1\r\nHost: h\r\n\r\n'), '400 bad_request');
    assert.equal(verdict('GET /  HTTP/1.1\r\nHost: h\r\n\r\n'), '400 bad_request');
    assert.equal(verdict('GET / HTTP/1.1\r\nHost: evil.example/path\r\n\r\n'), '400 bad_host');
    assert.equal(verdict('GET / HTTP/1.1\r\nHost: user@evil.example\r\n\r\n'), '400 bad_host');
    assert.equal(verdict('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'), '501 unsupported_transfer_coding');
    assert.equal(verdict('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n'), '501 unsupported_transfer_coding');
  });

  test('smuggling shapes and malformed lines are refused with 400', () => {
    const refused: Record<string, string> = {
      'CL and TE': 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n',
      'TE and CL': 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n',
      'two equal Content-Lengths': 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n',
      'a list Content-Length': 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\n',
      'a signed Content-Length': 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n',
      'a Content-Length past 2^53': 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9007199254740993\r\n\r\n',
      'xchunked': 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n',
      'chunked not last': 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
      'chunked twice': 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n',
      'chunked in HTTP/1.0': 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n',
      'space before colon': 'GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n',
      'obs-fold': 'GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n',
      'bare LF': 'GET / HTTP/1.1\nHost: h\n\n',
      'bare CR in a value': 'GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n',
      'NUL in a value': 'GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n',
      'DEL in a value': 'GET / HTTP/1.1\r\nHost: h\r\nX: a\x7fb\r\n\r\n',
      'a name that is not a token': 'GET / HTTP/1.1\r\nHost: h\r\nX(Y): a\r\n\r\n',
      'an empty name': 'GET / HTTP/1.1\r\nHost: h\r\n: a\r\n\r\n',
      'two Host lines': 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      'no Host in HTTP/1.1': 'GET / HTTP/1.1\r\n\r\n',
      'a method that is not a token': 'G(T / HTTP/1.1\r\nHost: h\r\n\r\n',
      'HTTP/0.9': 'GET /\r\n\r\n',
      'a lower-case version': 'GET / http/1.1\r\nHost: h\r\n\r\n',
    };
    for (const [what, text] of Object.entries(refused)) {
      const result = verdict(text);
      assert.match(result, /^400 /, `${what}: ${result}`);
    }
    assert.equal(verdict('FOO / HTTP/1.1\r\nHost: h\r\n\r\n'), '501 method_not_implemented');
    assert.equal(verdict('get / HTTP/1.1\r\nHost: h\r\n\r\n'), '501 method_not_implemented', 'methods are case-sensitive');
    assert.equal(verdict('PUT / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n'), '417 expectation_failed');
  });

  test('what it allows that a stricter reading might not: an empty Host, empty values, leading zeros, obs-text, one blank line before a request', () => {
    assert.equal(verdict('GET / HTTP/1.1\r\nHost:\r\n\r\n'), 'ok');
    assert.equal(verdict('GET / HTTP/1.1\r\nHost: h\r\nX:\r\n\r\n'), 'ok');
    assert.equal(scanOne(REQUEST, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 007\r\n\r\n').head!.contentLength, 7);
    assert.equal(scanOne(REQUEST, 'GET / HTTP/1.1\r\nHost: h\r\nX: caf\xe9\r\n\r\n').head!.value(1), 'caf\xe9');
    const { at, head } = scanOne(REQUEST, '\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n');
    assert.equal(head!.start, 2);
    assert.equal(at, 29);
  });
});

describe('limits', () => {
  const limits = { maxStartLine: 64, maxHeadSize: 256 };
  test('a request line past its limit gets 414, at once, before its end has arrived', () => {
    const scanner = new HeadScanner(REQUEST, limits);
    assert.equal(scanner.scan(bytes(`GET /${'a'.repeat(100)}`), 0), FAILED);
    assert.equal(scanner.error!.status, 414);
  });

  test('a head past its limit gets 431, however it arrives: a long field, many fields, trickled bytes', () => {
    for (const text of [`GET / HTTP/1.1\r\nHost: h\r\nX: ${'a'.repeat(300)}\r\n\r\n`, `GET / HTTP/1.1\r\nHost: h\r\n${'X: y\r\n'.repeat(60)}\r\n`]) {
      assert.equal(scanOne(REQUEST, text, limits).error!.status, 431);
      const scanner = new HeadScanner(REQUEST, limits);
      let result = NEED_MORE;
      for (let i = 0; i < text.length && result === NEED_MORE; i++) result = scanner.scan(bytes(text[i]!), 0);
      assert.equal(result, FAILED);
      assert.equal(scanner.error!.status, 431);
    }
  });

  test('a head trickling in one byte at a time is read as a whole one is, and searched once (no quadratic rescans)', () => {
    const text = `GET /x HTTP/1.1\r\nHost: h\r\nX-Long: ${'v'.repeat(15_000)}\r\n\r\n`;
    const scanner = new HeadScanner(REQUEST);
    const started = performance.now();
    let at = NEED_MORE;
    for (let i = 0; i < text.length; i++) {
      at = scanner.scan(bytes(text[i]!), 0);
      if (at !== NEED_MORE) break;
    }
    assert.equal(at, 1, 'the last byte ends the head');
    assert.equal(scanner.head!.value(1).length, 15_000);
    assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
  });

  test('a head cut anywhere is read the same; bytes after it stay in the chunk', () => {
    const text = 'POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /q HTTP/1.1\r\nHost: h\r\n\r\n';
    const whole = paddaRead(REQUEST, [bytes(text)]);
    assert.equal(whole.messages.length, 2);
    for (let cut = 1; cut < text.length; cut++) {
      assert.deepEqual(paddaRead(REQUEST, [bytes(text.slice(0, cut)), bytes(text.slice(cut))]), whole, `cut at ${cut}`);
    }
  });
});

describe('response heads', () => {
  test('status, reason, and the body rules of RFC 9112 §6.3', () => {
    const head = scanOne(RESPONSE, 'HTTP/1.1 299 Custom Reason\r\nContent-Length: 5\r\n\r\n').head!;
    assert.equal(head.status, 299);
    assert.equal(head.buffer.toString('latin1', head.reasonStart, head.reasonEnd), 'Custom Reason');
    assert.equal(responseBody(head, 'GET'), LENGTH);
    assert.equal(responseBody(head, 'HEAD'), NO_BODY);
    assert.equal(responseBody(scanOne(RESPONSE, 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n').head!, 'GET'), NO_BODY);
    assert.equal(responseBody(scanOne(RESPONSE, 'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n').head!, 'GET'), NO_BODY);
    assert.equal(responseBody(scanOne(RESPONSE, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n').head!, 'GET'), CHUNKED);
    assert.equal(responseBody(scanOne(RESPONSE, 'HTTP/1.0 200 OK\r\n\r\n').head!, 'GET'), UNTIL_CLOSE);
    assert.equal(scanOne(RESPONSE, 'HTTP/1.1 200\r\n\r\n').head!.status, 200, 'the space before an empty reason may be left out');
    const coded = scanOne(RESPONSE, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n').head!;
    assert.equal(coded.chunked && coded.codings, true, 'a response\'s other codings are kept, to be passed on');
  });

  test('malformed status lines and framing are refused', () => {
    for (const text of ['HTTP/1.1 20 OK\r\n\r\n', 'HTTP/2 200 OK\r\n\r\n', 'HTTP/1.1 200OK\r\n\r\n', 'HTTP/1.1 200 O\rK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      'ICY 200 OK\r\n\r\n']) {
      assert.notEqual(scanOne(RESPONSE, text).error, null, JSON.stringify(text));
    }
  });
});
