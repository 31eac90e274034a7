import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCommand } from '../../../src/protocols/resp/command-encoder.ts';
import { commandFrom, scanRequests } from '../../support/resp-collect.ts';

describe('encodeCommand', () => {
  it('builds the per-server fragments of a split MGET and MSET', () => {
    const mget = commandFrom(['MGET', 'a', 'b\r\n', 'c']);
    assert.equal(encodeCommand(mget, [0, 1, 3]).toString('latin1'), '*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nc\r\n');
    assert.equal(encodeCommand(mget, new Int32Array([0, 2, 9]), 2).toString('latin1'), '*2\r\n$4\r\nMGET\r\n$3\r\nb\r\n\r\n');
    const mset = commandFrom(['MSET', 'k1', 'v1', 'k2', '']);
    assert.equal(encodeCommand(mset, [0, 3, 4]).toString('latin1'), '*3\r\n$4\r\nMSET\r\n$2\r\nk2\r\n$0\r\n\r\n');
  });

  it('re-encodes a whole command byte for byte', () => {
    const text = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n';
    assert.equal(encodeCommand(commandFrom(['SET', 'k', '0123456789'])).toString('latin1'), text);
    assert.deepEqual(scanRequests([encodeCommand(commandFrom(['SET', 'k', 'x'.repeat(1000)]))]).commands, [['SET', 'k', 'x'.repeat(1000)]]);
  });
});
