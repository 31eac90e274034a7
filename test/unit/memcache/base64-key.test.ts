import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64Key } from '../../../src/protocols/memcache/base64-key.ts';

function decode(text: string): string | null {
  const out = Buffer.alloc(256);
  const length = decodeBase64Key(Buffer.from(text, 'latin1'), 0, text.length, out);
  return length === 0 ? null : out.toString('latin1', 0, length);
}

describe('base64 keys, decoded as memcached decodes them', () => {
  it('decodes padded and unpadded keys to the stored bytes', () => {
    assert.equal(decode('Zm9v'), 'foo');
    assert.equal(decode('Zm8='), 'fo');
    assert.equal(decode('Zg=='), 'f');
    assert.equal(decode('AAEC/w=='), '\x00\x01\x02\xff');
  });

  it('skips bytes outside the alphabet and stops after the first padded block', () => {
    assert.equal(decode('Zm!9v'), 'foo');
    assert.equal(decode('Zg==Zm9v'), 'f');
  });

  it('refuses what memcached refuses', () => {
    for (const bad of ['', 'Zm9', '!!!!', 'Z===', '====']) assert.equal(decode(bad), null, bad);
  });

  it('only measures when given no output buffer', () => {
    assert.equal(decodeBase64Key(Buffer.from('Zm9vYmFy'), 0, 8), 6);
  });
});
