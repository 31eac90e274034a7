import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLong32, parseUnsigned } from '../../../src/protocols/memcache/c-number.ts';

const long32 = (text: string) => parseLong32(Buffer.from(text, 'latin1'), 0, text.length);
const unsigned = (text: string) => parseUnsigned(Buffer.from(text, 'latin1'), 0, text.length);

describe('memcached number parsing (safe_strtol / safe_strtoul)', () => {
  it('accepts what strtol accepts and keeps the low 32 bits, as memcached stores into an int32', () => {
    for (const [text, value] of [
      ['0', 0], ['+5', 5], ['-1', -1], ['\t7', 7], ['7\t', 7], ['7\tjunk', 7], ['000123', 123],
      ['2147483647', 2147483647], ['2147483648', -2147483648], ['4294967297', 1], ['99999999999', 1215752191],
      ['9223372036854775807', -1], ['-9223372036854775808', 0],
    ] as const) {
      assert.equal(long32(text), value, text);
    }
  });

  it('refuses what strtol refuses', () => {
    for (const text of ['', '+', '-', 'x', '5x', '9223372036854775808', '-9223372036854775809', '99999999999999999999']) {
      assert.ok(Number.isNaN(long32(text)), text);
    }
  });

  it('unsigned: rejects a minus unless the 64-bit result stays non-negative', () => {
    for (const [text, value] of [['0', 0], ['-0', 0], ['4294967296', 0], ['4294967295', 4294967295], ['18446744073709551615', 4294967295], ['-18446744073709551615', 1]] as const) {
      assert.equal(unsigned(text), value, text);
    }
    for (const text of ['-1', '-9223372036854775808', '18446744073709551616', 'x', '']) {
      assert.ok(Number.isNaN(unsigned(text)), text);
    }
  });
});
