import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';

/** Where one certificate and its key are, and which server names it answers for. */
export interface PairSpec {
  cert: string;
  key: string;
  /** Empty: the DNS names in the certificate's subjectAltName. */
  names: string[];
}

/** A certificate and key read from disk and checked to belong together and be valid now. */
export interface CertificatePair {
  spec: PairSpec;
  /** Lower-case names this pair serves; `*.example.com` matches one label. */
  names: string[];
  cert: Buffer;
  key: Buffer;
  notAfter: Date;
  subject: string;
  fingerprint: string;
}

export class CertificateError extends Error {}

/**
 * Reads and checks a pair. Throws CertificateError saying what is wrong: a
 * file that cannot be read, PEM that does not parse, a key that is not the
 * certificate's, or a certificate outside its validity period. A reload that
 * fails here keeps serving the previous pair.
 */
export function loadPair(spec: PairSpec, now = new Date()): CertificatePair {
  const cert = read(spec.cert, 'certificate');
  const key = read(spec.key, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new CertificateError(`${spec.cert}: not a PEM certificate (${(error as Error).message})`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new CertificateError(`${spec.key}: not a PEM private key (${(error as Error).message})`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new CertificateError(`${spec.key} is not the key of ${spec.cert}`);
  const notBefore = x509.validFromDate;
  const notAfter = x509.validToDate;
  if (now < notBefore) throw new CertificateError(`${spec.cert} is not valid before ${notBefore.toISOString()}`);
  if (now > notAfter) throw new CertificateError(`${spec.cert} expired at ${notAfter.toISOString()}`);
  const names = (spec.names.length > 0 ? spec.names : dnsNames(x509)).map((name) => name.toLowerCase());
  return { spec, names, cert, key, notAfter, subject: x509.subject.replaceAll('\n', ', '), fingerprint: x509.fingerprint256 };
}

function read(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new CertificateError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function dnsNames(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
}

/** Reads a CA bundle for client-certificate verification. */
export function loadCa(file: string): Buffer {
  const ca = read(file, 'client CA');
  try {
    new X509Certificate(ca);
  } catch (error) {
    throw new CertificateError(`${file}: not a PEM certificate (${(error as Error).message})`);
  }
  return ca;
}
