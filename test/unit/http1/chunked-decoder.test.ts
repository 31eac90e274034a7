/** The chunked transfer coding: payload ranges, the end of the body, trailers, and what is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedDecoder } from '../../../src/protocols/http1/chunked-decoder.ts';

/** Decodes `text` fed in pieces of `step` bytes: the payload, where the body ended in the input, trailers, error code. */
function decode(text: string, step = text.length) {
  const decoder = new ChunkedDecoder(1024);
  const input = Buffer.from(text, 'latin1');
  let payload = '';
  let end = -1;
  for (let from = 0; from < input.length && end < 0 && decoder.error === null; from += step) {
    const piece = input.subarray(from, Math.min(from + step, input.length));
    let pos = 0;
    while (pos < piece.length && !decoder.done && decoder.error === null) {
      pos = decoder.decode(piece, pos, piece.length);
      if (decoder.dataEnd > decoder.dataStart) payload += piece.toString('latin1', decoder.dataStart, decoder.dataEnd);
    }
    if (decoder.done) end = from + pos;
  }
  return { payload, end, trailers: decoder.trailers?.toString('latin1') ?? null, error: decoder.error?.code ?? null };
}

test('payload, end and trailers, however the bytes are cut', () => {
  const body = '5\r\nhello\r\n6;name=value;q="a b"\r\n world\r\n0\r\nX-Sum: 42\r\nY: z\r\n\r\nNEXT';
  const whole = decode(body);
  assert.deepEqual(whole, { payload: 'hello world', end: body.length - 4, trailers: 'X-Sum: 42\r\nY: z\r\n', error: null });
  for (let step = 1; step < body.length; step++) assert.deepEqual(decode(body, step), whole, `step ${step}`);
  assert.deepEqual(decode('0\r\n\r\n'), { payload: '', end: 5, trailers: null, error: null });
  assert.deepEqual(decode('A\r\n0123456789\r\n000\r\n\r\n'), { payload: '0123456789', end: 22, trailers: null, error: null });
});

test('malformed framing is refused: the body can never end somewhere the next hop would not agree on', () => {
  for (const body of [
    'x\r\n', '5 \r\nhello\r\n0\r\n\r\n', ' 5\r\nhello\r\n0\r\n\r\n', '5\nhello\r\n0\r\n\r\n', '5\r\nhelloX\r\n0\r\n\r\n', '5\r\nhello\n0\r\n\r\n',
    '5\r\nhello\r\n0\r\n\n', '-5\r\nhello\r\n', '0x5\r\nhello\r\n', '20000000000000\r\n', 'fffffffffffffffffff\r\nx\r\n0\r\n\r\n',
    '5; a\r\nhello\r\n0\r\n\r\n', '5;a =b\r\nhello\r\n0\r\n\r\n', '5;a=\r\nhello\r\n0\r\n\r\n', '5;a="x\r\nhello\r\n0\r\n\r\n', '5;;\r\nhello\r\n0\r\n\r\n',
    '0\r\nBad Name: x\r\n\r\n', '0\r\n X: folded\r\n\r\n', '0\r\nX: a\x01\r\n\r\n', '0\r\nX: a\nY: b\r\n\r\n',
  ]) {
    assert.notEqual(decode(body).error, null, JSON.stringify(body));
  }
});

test('a chunk line or a trailer section past its limit is refused without being held', () => {
  assert.equal(decode(`5;${'x'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`).error, 'BAD_CHUNK');
  assert.equal(decode(`0\r\n${'X: y\r\n'.repeat(300)}\r\n`, 100).error, 'TRAILERS_TOO_LARGE');
  assert.equal(decode('1fffffffffffff\r\n').error, null, '2^53 - 1 is a size; one past it is not');
});
