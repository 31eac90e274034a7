import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endsReply } from '../../../src/protocols/memcache/reply-boundary.ts';
import { ReplyKind, replyKindName } from '../../../src/protocols/memcache/reply-kind.ts';
import { ReplyScanner } from '../../../src/protocols/memcache/reply-scanner.ts';
import { END } from '../../../src/protocols/memcache/replies.ts';
import { Expect } from '../../../src/protocols/memcache/request-kind.ts';
import { RequestScanner } from '../../../src/protocols/memcache/request-scanner.ts';
import { exchange } from '../../support/quiet-exchange.ts';
import { startMemcached, type RunningServer } from '../../support/servers.ts';
import { scanReplies } from './scan-helpers.ts';

const scan = (text: string) => scanReplies([Buffer.from(text, 'latin1')]);

describe('reply scanner', () => {
  it('VALUE items: key, data (binary-safe), optional cas', () => {
    assert.deepEqual(scan('VALUE a\tb 5 4 1234\r\nx\r\ny\r\nVALUE c 0 0\r\n\r\nEND\r\n'), [
      { kind: 'value', bytes: 'VALUE a\tb 5 4 1234\r\nx\r\ny\r\n', key: 'a\tb', data: 'x\r\ny', opaque: null, keyBase64: false },
      { kind: 'value', bytes: 'VALUE c 0 0\r\n\r\n', key: 'c', data: '', opaque: null, keyBase64: false },
      { kind: 'end', bytes: 'END\r\n', key: null, data: null, opaque: null, keyBase64: false },
    ]);
  });

  it('status words, numbers, errors, version, stats', () => {
    const kinds = scan(
      'STORED\r\nNOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nDELETED\r\nTOUCHED\r\nOK\r\nRESET\r\n18446744073709551615\r\n' +
        'ERROR\r\nERROR cannot pipeline other commands before watch\r\nCLIENT_ERROR bad data chunk\r\nSERVER_ERROR out of memory\r\n' +
        'VERSION 1.6.18\r\nSTAT pid 12\r\nITEM foo [1 b; 0 s]\r\nEND\r\n',
    ).map((u) => u.kind);
    assert.deepEqual(kinds, [
      'stored', 'notStored', 'exists', 'notFound', 'deleted', 'touched', 'ok', 'reset', 'number',
      'error', 'error', 'clientError', 'serverError', 'version', 'stat', 'line', 'end',
    ]);
  });

  it('meta replies with their returned flags: opaque, key, base64', () => {
    assert.deepEqual(scan('VA 3 Oq1 kfoo f0\r\nabc\r\nHD kZm9v b Oq2\r\nEN\r\nNF Oq3\r\nNS\r\nEX c9\r\nMN\r\nME foo exp=-1 la=3\r\n'), [
      { kind: 'va', bytes: 'VA 3 Oq1 kfoo f0\r\nabc\r\n', key: 'foo', data: 'abc', opaque: 'q1', keyBase64: false },
      { kind: 'hd', bytes: 'HD kZm9v b Oq2\r\n', key: 'Zm9v', data: null, opaque: 'q2', keyBase64: true },
      { kind: 'en', bytes: 'EN\r\n', key: null, data: null, opaque: null, keyBase64: false },
      { kind: 'nf', bytes: 'NF Oq3\r\n', key: null, data: null, opaque: 'q3', keyBase64: false },
      { kind: 'ns', bytes: 'NS\r\n', key: null, data: null, opaque: null, keyBase64: false },
      { kind: 'ex', bytes: 'EX c9\r\n', key: null, data: null, opaque: null, keyBase64: false },
      { kind: 'mn', bytes: 'MN\r\n', key: null, data: null, opaque: null, keyBase64: false },
      { kind: 'me', bytes: 'ME foo exp=-1 la=3\r\n', key: 'foo', data: null, opaque: null, keyBase64: false },
    ]);
  });

  it('stops at a server that breaks framing', () => {
    for (const broken of ['VALUE a 0 3\r\nabcd\r\n', 'VALUE a x 3\r\nabc\r\n', 'VALUE a 0 3 x\r\nabc\r\n', 'VA x\r\n', `${'x'.repeat(70_000)}\r\n`]) {
      const units = scan(`${broken}STORED\r\n`);
      assert.deepEqual(units.map((u) => u.kind), ['malformed'], broken.slice(0, 20));
    }
  });

  it('stops at headers without their fields and at lengths it will not believe', () => {
    for (const broken of ['VALUE\r\n', 'VALUE a\r\n', 'VALUE  a 0 1\r\nx\r\n', 'VALUE a 0\r\n', 'VALUE a 0 12345678901\r\n', 'VA\r\n', 'VA 1x\r\n', 'ME\r\n']) {
      assert.deepEqual(scan(`${broken}STORED\r\n`).map((u) => u.kind), ['malformed'], JSON.stringify(broken));
    }
    // Past maxValueBytes a length is refused before any of its data is waited for.
    for (const header of ['VALUE a 0 101\r\n', 'VA 101 f0\r\n']) {
      const scanner = new ReplyScanner({ maxValueBytes: 100 });
      scanner.push(Buffer.from(`VALUE a 0 100\r\n${'v'.repeat(100)}\r\n${header}`));
      assert.deepEqual([scanner.next(), scanner.reply.kind, scanner.next(), scanner.reply.kind], [true, ReplyKind.value, true, ReplyKind.malformed], header);
      assert.equal(scanner.next(), false, 'reads nothing after a malformed unit');
    }
  });

  it('gives up on a line without its end once maxLineBytes have trickled in, holding no more', () => {
    const scanner = new ReplyScanner({ maxLineBytes: 1024 });
    let units = 0;
    for (let sent = 0; sent <= 1024 && units === 0; sent += 100) {
      scanner.push(Buffer.alloc(100, 'x'));
      while (scanner.next()) units++;
      assert.ok(scanner.buffered <= 1024 + 100, `holds ${scanner.buffered} bytes`);
    }
    assert.deepEqual([units, scanner.reply.kind], [1, ReplyKind.malformed]);
  });

  it('waits for a data block cut short, holding only what arrived', () => {
    const scanner = new ReplyScanner();
    scanner.push(Buffer.from('VALUE a 0 10\r\nabc'));
    assert.deepEqual([scanner.next(), scanner.buffered], [false, 17]);
    scanner.push(Buffer.from('defghij\r'));
    assert.equal(scanner.next(), false);
    scanner.push(Buffer.from('\nEND\r\n'));
    assert.deepEqual([scanner.next(), scanner.reply.kind, scanner.reply.buffer.toString('latin1', scanner.reply.dataStart, scanner.reply.dataEnd)], [true, ReplyKind.value, 'abcdefghij']);
    assert.deepEqual([scanner.next(), scanner.reply.kind], [true, ReplyKind.end]);
  });

  it('reads meta flags up to the line end only, whatever the data block after it holds', () => {
    const [va, hd] = scan('VA 5 Oq9 kfoo\r\nab cd\r\nHD kbar\r\n');
    assert.deepEqual([va.key, va.opaque, va.data, hd.key], ['foo', 'q9', 'ab cd', 'bar']);
    assert.deepEqual(scan('ME k\r\n').map((u) => [u.kind, u.key]), [['me', 'k']]);
  });

  it('knows where each request\'s reply ends', () => {
    assert.equal(endsReply(Expect.one, ReplyKind.stored), true);
    assert.equal(endsReply(Expect.untilEnd, ReplyKind.value), false);
    assert.equal(endsReply(Expect.untilEnd, ReplyKind.stat), false);
    assert.equal(endsReply(Expect.untilEnd, ReplyKind.end), true);
    assert.equal(endsReply(Expect.untilEnd, ReplyKind.clientError), true);
    assert.equal(endsReply(Expect.quiet, ReplyKind.nf), false);
    assert.equal(endsReply(Expect.quiet, ReplyKind.mn), true);
    assert.equal(endsReply(Expect.none, ReplyKind.mn), false);
  });

  it('lets a proxy merge per-server multi-get fragments back into key order with one END', () => {
    // The client asked `get a b c d e`; a, c, e went to server 1 and b, d to server 2.
    const owner = { a: 1, b: 2, c: 1, d: 2, e: 1 } as Record<string, number>;
    const fragments = new Map<number, { key: string; bytes: Buffer }[]>();
    for (const [server, text] of [
      [1, 'VALUE a 0 1\r\nA\r\nVALUE e 0 1\r\nE\r\nEND\r\n'],
      [2, 'VALUE b 0 1\r\nB\r\nVALUE d 0 1\r\nD\r\nEND\r\n'],
    ] as const) {
      const scanner = new ReplyScanner();
      scanner.push(Buffer.from(text));
      const items: { key: string; bytes: Buffer }[] = [];
      while (scanner.next() && scanner.reply.kind === ReplyKind.value) {
        const u = scanner.reply;
        items.push({ key: u.buffer.toString('latin1', u.keyStart, u.keyEnd), bytes: u.buffer.subarray(u.start, u.end) });
      }
      fragments.set(server, items);
    }
    const merged: Buffer[] = [];
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const items = fragments.get(owner[key])!;
      if (items[0]?.key === key) merged.push(items.shift()!.bytes);
    }
    merged.push(END);
    assert.equal(Buffer.concat(merged).toString(), 'VALUE a 0 1\r\nA\r\nVALUE b 0 1\r\nB\r\nVALUE d 0 1\r\nD\r\nVALUE e 0 1\r\nE\r\nEND\r\n');
  });
});

describe('reply boundaries against a real memcached', () => {
  let server: RunningServer;
  before(async () => {
    server = await startMemcached();
  });
  after(() => server?.stop());

  it('a pipeline of every command kind, quiet meta behind a proxy-added mn: each unit lands on its request', async () => {
    const pipeline =
      'set r1 0 0 2\r\nhi\r\nget r1 nope r1\r\ngets r1\r\nadd r1 0 0 1\r\nx\r\nset n 0 0 1\r\n5\r\nincr n 10\r\n' +
      'touch r1 100\r\ngat 100 r1\r\ndelete nope\r\ndelete r1 noreply\r\nverbosity 1\r\nstats settings\r\n' +
      'mg n v k Oa\r\nmg nope v q\r\nms m 3 q\r\nabc\r\nms m 3 ME q\r\nxyz\r\nmd nope q\r\nma n q\r\nmg m v\r\nme m\r\n';
    // What a proxy forwards: each request's bytes, an `mn` behind each quiet one.
    const requests = new RequestScanner();
    requests.push(Buffer.from(pipeline));
    const forwarded: Buffer[] = [];
    const fifo: Expect[] = [];
    while (requests.next()) {
      const r = requests.request;
      forwarded.push(r.buffer.subarray(r.start, r.end));
      if (r.expect === Expect.quiet) forwarded.push(Buffer.from('mn\r\n'));
      if (r.expect !== Expect.none) fifo.push(r.expect);
    }

    const { reply } = await exchange(server.port, [Buffer.concat(forwarded)]);
    const replies = new ReplyScanner();
    replies.push(reply);
    const answered: string[] = [];
    let units: string[] = [];
    while (replies.next()) {
      const kind = replies.reply.kind;
      units.push(replyKindName[kind]);
      if (endsReply(fifo[answered.length], kind)) {
        answered.push([...new Set(units)].join(' '));
        units = [];
      }
    }
    assert.deepEqual(answered, [
      'stored', 'value end', 'value end', 'notStored', 'stored', 'number', 'touched', 'value end', 'notFound', 'ok', 'stat end',
      'va', 'mn', 'mn', 'ns mn', 'nf mn', 'mn', 'va', 'me',
    ]);
  });
});
