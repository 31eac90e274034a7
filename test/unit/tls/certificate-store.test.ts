/**
 * Certificate loading and the certificate store without a network: files
 * that are missing, empty, truncated, swapped or outside their validity are
 * refused with a reason; SNI names pick their pair; a bad change keeps the
 * old pair; the session-ticket keys rotate at period boundaries.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createLogger } from '../../../src/log.ts';
import { Registry } from '../../../src/metrics/registry.ts';
import { CertificateError, loadCa, loadPair, type PairSpec } from '../../../src/tls/certificate-pair.ts';
import { CertificateStore, type ContextSettings } from '../../../src/tls/certificate-store.ts';
import { selfSignedCertificate } from '../../../src/tls/self-signed.ts';
import { ticketKeys } from '../../../src/tls/ticket-keys.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-cert-store-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a fresh self-signed pair for `names` as `<stem>.crt` and `<stem>.key`. */
function writePair(stem: string, names: string[]): PairSpec {
  const { cert, key } = selfSignedCertificate(names, 2);
  const spec = { cert: path.join(dir, `${stem}.crt`), key: path.join(dir, `${stem}.key`), names: [] };
  fs.writeFileSync(spec.cert, cert);
  fs.writeFileSync(spec.key, key);
  return spec;
}

function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof CertificateError, `not a CertificateError: ${String(error)}`);
    return error.message;
  }
  assert.fail('loaded');
}

const SETTINGS: ContextSettings = { minVersion: 'TLSv1.2', ciphers: undefined, sessionTimeout: 300, sessionIdContext: 'test', clientCa: null };
const stores: CertificateStore[] = [];
function store(specs: PairSpec[], registry = new Registry(), settings = SETTINGS): CertificateStore {
  const made = new CertificateStore(specs, settings, createLogger('silent'), registry, 'web');
  stores.push(made);
  return made;
}
after(() => stores.forEach((s) => s.close()));

describe('loading a pair', () => {
  const good = writePair('good', ['localhost', '127.0.0.1', 'Www.Example']);
  const other = writePair('other', ['localhost']);
  const pem = fs.readFileSync(good.cert, 'utf8');
  const keyPem = fs.readFileSync(good.key, 'utf8');

  test('a good pair serves the DNS names of its certificate (not its IPs), lower-cased, unless names are given', () => {
    assert.deepEqual(loadPair(good).names, ['localhost', 'www.example']);
    assert.deepEqual(loadPair({ ...good, names: ['A.Example', '*.B.Example'] }).names, ['a.example', '*.b.example']);
  });

  test('unreadable, empty, truncated, binary or swapped files are refused, saying which file and why', () => {
    const cases: Array<[string, PairSpec, RegExp]> = [
      ['missing certificate', { ...good, cert: path.join(dir, 'missing.crt') }, /^cannot read certificate .*missing\.crt: ENOENT$/],
      ['missing key', { ...good, key: path.join(dir, 'missing.key') }, /^cannot read key .*missing\.key: ENOENT$/],
      ['a directory', { ...good, cert: dir }, /^cannot read certificate .*: EISDIR$/],
      ['empty certificate', { ...good, cert: writeFile('empty.crt', '') }, /empty\.crt: not a PEM certificate/],
      ['truncated certificate', { ...good, cert: writeFile('half.crt', pem.slice(0, pem.length / 2)) }, /half\.crt: not a PEM certificate/],
      ['certificate without its END line', { ...good, cert: writeFile('open.crt', pem.replace(/-----END CERTIFICATE-----\n?$/, '')) }, /open\.crt: not a PEM certificate/],
      ['binary garbage', { ...good, cert: writeFile('random.crt', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff))) }, /random\.crt: not a PEM certificate/],
      ['a key where the certificate goes', { ...good, cert: good.key }, /good\.key: not a PEM certificate/],
      ['truncated key', { ...good, key: writeFile('half.key', keyPem.slice(0, keyPem.length / 2)) }, /half\.key: not a PEM private key/],
      ['a certificate where the key goes', { ...good, key: good.cert }, /good\.crt: not a PEM private key/],
      ["another pair's key", { ...good, key: other.key }, /other\.key is not the key of .*good\.crt$/],
    ];
    for (const [what, spec, expected] of cases) assert.match(refusal(() => loadPair(spec)), expected, what);
  });

  test('a certificate is refused outside its validity period', () => {
    const { notAfter } = loadPair(good);
    assert.match(refusal(() => loadPair(good, new Date(0))), /good\.crt is not valid before \d{4}-/);
    assert.match(refusal(() => loadPair(good, new Date(notAfter.getTime() + 1000))), new RegExp(`good\\.crt expired at ${notAfter.toISOString()}`));
  });

  test('a client CA bundle must be a certificate', () => {
    assert.ok(loadCa(good.cert).equals(fs.readFileSync(good.cert)));
    assert.match(refusal(() => loadCa(good.key)), /not a PEM certificate/);
    assert.match(refusal(() => loadCa(path.join(dir, 'missing-ca.crt'))), /^cannot read client CA .*: ENOENT$/);
  });
});

describe('the store', () => {
  test('SNI: an exact name in any case, a wildcard for exactly one more label, else the default pair', () => {
    const sni = store([writePair('default', ['localhost']), { ...writePair('a', ['a.test']), names: ['A.Test'] }, writePair('b', ['*.b.test'])]);
    const [localhost, a, b] = [sni.contextFor('localhost'), sni.contextFor('a.test'), sni.contextFor('x.b.test')];
    assert.equal(new Set([localhost, a, b]).size, 3, 'one context per pair');
    assert.equal(sni.contextFor('A.TEST'), a);
    assert.equal(sni.contextFor('X.B.Test'), b);
    for (const unknown of ['b.test', 'y.x.b.test', '.b.test', 'a.test.evil', 'unknown.test', '']) {
      assert.equal(sni.contextFor(unknown), localhost, JSON.stringify(unknown));
    }
  });

  test('a changed pair that cannot be served is refused once per problem and the previous one keeps serving', () => {
    const spec = writePair('reloaded', ['localhost']);
    const registry = new Registry();
    const reloading = store([spec], registry);
    const rejected = registry.counter('padda_tls_certificate_reloads_total', '', { listener: 'web', result: 'rejected' });
    const applied = registry.counter('padda_tls_certificate_reloads_total', '', { listener: 'web', result: 'ok' });
    const serving = reloading.describe()[0]!.notAfter;
    let changes = 0;
    reloading.onChange(() => changes++);
    fs.writeFileSync(spec.cert, fs.readFileSync(spec.cert, 'utf8').slice(0, 100));
    assert.equal(reloading.reload(), false);
    assert.equal(reloading.reload(), false, 'the poll reads the same bad file again');
    assert.equal(rejected.value, 1, 'one rejection counted (and logged) for one problem');
    assert.equal(reloading.describe()[0]!.notAfter, serving);
    const next = selfSignedCertificate(['localhost'], 30);
    fs.writeFileSync(spec.key, next.key);
    fs.writeFileSync(spec.cert, next.cert);
    assert.equal(reloading.reload(), true);
    assert.notEqual(reloading.describe()[0]!.notAfter, serving);
    assert.deepEqual([applied.value, rejected.value, changes], [1, 1, 1]);
    assert.equal(reloading.reload(), false, 'unchanged files change nothing');
  });

  test('ticket keys are the same within a period, for every process, and change at its boundary', async () => {
    const start = Math.floor(Date.now() / 300_000) * 300_000;
    assert.ok(ticketKeys('web', 300, start).equals(ticketKeys('web', 300, start + 299_999)));
    assert.ok(!ticketKeys('web', 300, start).equals(ticketKeys('web', 300, start + 300_000)));
    assert.ok(!ticketKeys('web', 300, start).equals(ticketKeys('api', 300, start)), 'listeners never share keys');
    const rotating = store([writePair('rotating', ['localhost'])], new Registry(), { ...SETTINGS, sessionTimeout: 1 });
    const boundary = Math.ceil((Date.now() + 1) / 1000) * 1000;
    rotating.start();
    await new Promise<void>((resolve) => rotating.onChange(resolve));
    const late = Date.now() - boundary;
    assert.ok(late >= 0 && late < 500, `rotated ${late} ms after the next period boundary, not at it`);
  });
});
