import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadPair } from '../../../src/tls/certificate-pair.ts';
import { selfSignedCertificate } from '../../../src/tls/self-signed.ts';

test('the hand-built self-signed certificate is valid X.509 to node and to openssl', () => {
  const { cert, key } = selfSignedCertificate(['localhost', '127.0.0.1', '::1', 'padda.test'], 30);
  const x509 = new X509Certificate(cert);
  assert.equal(x509.subject, 'CN=localhost');
  assert.equal(x509.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:padda.test');
  assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
  assert.ok(x509.verify(x509.publicKey), 'self-signature verifies');
  assert.equal(x509.checkHost('padda.test'), 'padda.test');
  assert.equal(x509.checkIP('::1'), '::1');
  const days = (x509.validToDate.getTime() - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days < 31);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-selfsigned-'));
  try {
    fs.writeFileSync(path.join(dir, 'c.pem'), cert);
    fs.writeFileSync(path.join(dir, 'k.pem'), key);
    const text = execFileSync('openssl', ['x509', '-in', path.join(dir, 'c.pem'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /CA:FALSE/);
    assert.match(text, /TLS Web Server Authentication/);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'c.pem'), path.join(dir, 'c.pem')], { encoding: 'utf8' }), /OK/);
    assert.equal(loadPair({ cert: path.join(dir, 'c.pem'), key: path.join(dir, 'k.pem'), names: [] }).names.join(','), 'localhost,padda.test');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('validity past 2049 is written as GeneralizedTime, as RFC 5280 requires', () => {
  const { cert } = selfSignedCertificate(['localhost'], 365, new Date('2060-01-01T00:00:00Z'));
  assert.equal(new X509Certificate(cert).validToDate.getUTCFullYear(), 2060);
});
