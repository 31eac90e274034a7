/**
 * Bad input memcached 1.6.18 answers in its own way, as scripted sessions:
 * the scanner's differential test and the memcache mode's (padda over
 * shards vs one memcached) both replay them.
 */

import type { ExchangePart } from './quiet-exchange.ts';

export interface Case {
  name: string;
  /** Sent in order; a number is a pause in ms, an AwaitReply a wait for the reply (the scanner sees the same chunks). */
  parts: ExchangePart[];
  /** memcached's replies to the requests the scanner accepts, in order. */
  valid?: string[];
}

export const longKey = 'k'.repeat(251);
/** Stands for the server's own `VERSION …` line, read once it runs. */
export const VERSION = '<version>';

export const badInputCases: Case[] = [
  // keys over 250 bytes
  { name: 'set, long key: no swallow, the data is a command', parts: [`set ${longKey} 0 0 1\r\nz\r\n`] },
  // memcached also drops replies still queued from the same read (a STORED
  // pipelined right before): the get waits for the STORED to keep them apart.
  { name: 'get, long key after a hit drops the hit', parts: ['set d1 0 0 1\r\n1\r\n', { awaitBytes: 'STORED\r\n'.length }, `get d1 ${longKey} d1\r\n`], valid: ['STORED\r\n'] },
  { name: 'delete/incr/touch, long key', parts: [`delete ${longKey}\r\nincr ${longKey} 1\r\ntouch ${longKey} 1\r\n`] },
  { name: 'meta, long key', parts: [`mg ${longKey} v\r\nms ${longKey} 1\r\nz\r\nmd ${longKey}\r\nma ${longKey}\r\nme ${longKey}\r\n`] },
  { name: 'long key with noreply is silent', parts: [`set ${longKey} 0 0 1 noreply\r\nz\r\n`] },
  // control characters are not refused by memcached
  { name: 'control bytes in a key', parts: ['set d2\t\x01\x7f 0 0 1\r\nz\r\nget d2\t\x01\x7f\r\n'], valid: ['STORED\r\n', 'VALUE d2\t\x01\x7f 0 1\r\nz\r\nEND\r\n'] },
  // data block shorter or longer than announced
  { name: 'data block longer than announced', parts: ['set d3 0 0 3\r\nhello\r\n'] },
  { name: 'data block shorter than announced eats the next command', parts: ['set d4 0 0 10\r\nhello\r\nget d4\r\n'] },
  { name: 'bad data chunk under noreply is silent', parts: ['set d5 0 0 1 noreply\r\nabc\r\n'] },
  { name: 'ms bad data chunk is reported despite q', parts: ['ms d6 3 q\r\nabcde\r\nmn\r\n'], valid: ['MN\r\n'] },
  // negative or absurd lengths
  { name: 'negative length', parts: ['set d7 0 0 -1\r\nab\r\nms d7 -1\r\nab\r\n'] },
  { name: 'length beyond 64 bits', parts: ['set d8 0 0 99999999999999999999\r\n'] },
  { name: 'length that wraps to a negative int32', parts: ['set d9 0 0 2147483648\r\nset d9 0 0 9223372036854775807\r\n'] },
  { name: 'length that wraps to 1 byte is stored', parts: ['set d10 0 0 4294967297\r\nx\r\nget d10\r\n'], valid: ['STORED\r\n', 'VALUE d10 0 1\r\nx\r\nEND\r\n'] },
  { name: 'non-numeric fields', parts: ['set d11 x 0 1\r\nz\r\nset d11 0 x 1\r\nz\r\nset d11 -1 0 1\r\nz\r\ncas d11 0 0 1 -5\r\nz\r\n'] },
  // over the item size limit: data swallowed, then the error
  { name: 'item over 1 MiB', parts: ['set d12 0 0 2000000\r\n', 'x'.repeat(2_000_002), 'version\r\n'], valid: [VERSION] },
  { name: 'item over 1 MiB, noreply', parts: ['set d13 0 0 2000000 noreply\r\n', 'x'.repeat(2_000_002), 'version\r\n'], valid: [VERSION] },
  { name: 'ms over 1 MiB', parts: ['ms d14 2000000 T0\r\n', 'x'.repeat(2_000_002), 'mn\r\n'], valid: ['MN\r\n'] },
  { name: 'exact size boundary', parts: [`set d15 0 0 1048514\r\n${'x'.repeat(1048514)}\r\nset d15 0 0 1048515\r\n${'x'.repeat(1048515)}\r\n`], valid: ['STORED\r\n'] },
  { name: 'wrapped length swallowed as too large', parts: ['set d16 0 0 99999999999\r\nabc\r\nversion\r\n', 50] },
  // missing \r\n and line length
  { name: 'bare newline ends a line', parts: ['version\n'], valid: [VERSION] },
  { name: 'empty lines', parts: ['\r\n\n \r\n'] },
  // Past 2048 bytes without a newline memcached closes; the rest of the line is only sent if it did not
  // (awaitClose), so that the two pieces never reach it in one read, which it would take as a whole line.
  { name: 'no newline within 2048 bytes closes', parts: ['x'.repeat(4096)] },
  { name: 'long non-get line arriving in pieces closes', parts: [`set ${'x'.repeat(2100)}`, { awaitCloseMs: 1000 }, ' 0 0 1\r\nz\r\n'] },
  { name: 'long gat line closes', parts: [`gat 0 ${'k '.repeat(1100)}`, { awaitCloseMs: 1000 }, '\r\n'] },
  { name: 'long get line is served', parts: [`get ${'nokey '.repeat(500)}`, 30, '\r\n'], valid: ['END\r\n'] },
  { name: 'long get after 101 spaces closes', parts: [`${' '.repeat(101)}get ${'nokey '.repeat(500)}`, { awaitCloseMs: 1000 }, '\r\n'] },
  // A whole line in one read is parsed however long, up to memcached's 16 KB read buffer (READ_BUFFER_SIZE).
  { name: 'mg with a 5.9 KB key in one read', parts: [`mg ${'k'.repeat(5900)} v\r\nversion\r\n`], valid: [VERSION] },
  { name: 'mg with 2950 flags in one read', parts: [`mg key ${'v '.repeat(2950)}\r\nversion\r\n`], valid: [VERSION] },
  { name: 'mg with a 5.9 KB opaque token in one read', parts: [`mg key v O${'x'.repeat(5900)}\r\nversion\r\n`], valid: [VERSION] },
  { name: 'set with a 5.9 KB key in one read', parts: [`set ${'k'.repeat(5900)} 0 0 1\r\nx\r\nversion\r\n`], valid: [VERSION] },
  { name: 'get with a 5.9 KB key in one read', parts: [`get ${'k'.repeat(5900)}\r\n`] },
  { name: 'a 3 KB line in pieces under 2048 bytes is read whole', parts: [`mg ${'k'.repeat(1498)}`, 30, `${'k'.repeat(1500)} v\r\n`] },
  { name: 'a whole line of 16384 bytes is read', parts: [`mg ${'k'.repeat(16384 - 7)} v\r\n`] },
  { name: 'a whole line over 16384 bytes closes', parts: [`mg ${'k'.repeat(16385 - 7)} v\r\n`] },
  // unknown commands
  { name: 'unknown commands', parts: ['bogus\r\nx\r\nGETS k\r\nmx k\r\ngx k\r\nmg\r\nget\r\nset\r\nsetx k 0 0 1\r\n'] },
  { name: 'HTTP request line closes', parts: ['POST /x HTTP/1.1\r\nversion\r\n'] },
  { name: 'binary magic byte after the first request', parts: ['version\r\n', Buffer.from([0x80, 0x0b, 0x0d, 0x0a])], valid: [VERSION] },
  // wrong token counts and bad arguments
  { name: 'token counts', parts: ['set k 0 0\r\nincr k\r\ntouch k\r\ndelete\r\ndelete k 0 noreply x\r\nverbosity\r\nflush_all 1 2 3\r\n' + `set k 0 0 1 ${'x '.repeat(30)}\r\n`] },
  { name: 'delete usage', parts: ['delete k 1\r\ndelete k x y\r\ndelete k 1 noreply\r\n'] },
  { name: 'bad numbers', parts: ['incr k x\r\nincr k -1\r\nincr k 18446744073709551616\r\ntouch k x\r\ngat x k\r\nverbosity x\r\nflush_all x\r\nflush_all noreply 5\r\n'] },
  { name: 'noreply hides argument errors', parts: ['incr k x noreply\r\ntouch k x noreply\r\nverbosity noreply\r\ncas k 0 0 1 noreply\r\nz\r\n'] },
  // meta flags
  {
    name: 'meta flag errors',
    parts: [
      'mg k v v\r\nmg k Z\r\nmg k \x80\r\nmg k Fx\r\nmg k Tx Fx\r\nmg k Cx\r\nmg k M\r\nmg k Jx\r\nmg k Dx\r\n',
      `mg k O${'o'.repeat(32)}\r\nmg k ${'a b c d e f g h i j k l m n o p q r s'}\r\nmg !!!! b\r\nmg Zm9 b\r\n`,
    ],
  },
  {
    name: 'ms errors and what they swallow',
    parts: ['ms k\r\nms k x\r\nabc\r\nms k 3 Z\r\nabc\r\nms k 3 MX\r\nabc\r\n', `ms k 3 O${'o'.repeat(40)} MX\r\nabc\r\nms k 3 O${'o'.repeat(40)}\r\nabc\r\nms k 3 b\r\nabc\r\n`],
  },
  { name: 'md and ma errors', parts: ['md k Z\r\nmd k v v\r\nmd Zm9 b\r\nma k MX\r\nma k Dx\r\nma k Jx\r\n', `md k O${'o'.repeat(33)}\r\nme\r\nme Zm9 b\r\n`] },
  { name: 'too many meta flags', parts: [`md k ${'a b c d e f g h i j k l m n o p q r'}\r\nms k 1 ${'a b c d e f g h i j k l m n o p q'}\r\nz\r\n`] },
  // a client that stalls mid-block: memcached waits, then carries on
  { name: 'stall mid-block', parts: ['set d17 0 0 5\r\nhe', 150, 'llo\r\nget d17\r\n'], valid: ['STORED\r\n', 'VALUE d17 0 5\r\nhello\r\nEND\r\n'] },
  { name: 'stall mid-line', parts: ['get d1', 150, '8\r\n'], valid: ['END\r\n'] },
];
