/**
 * Certificates for TLS tests, made at test time by the real `openssl`
 * command: a test CA, server certificates for given names, client
 * certificates, and ones outside their validity period (`openssl ca` can
 * back-date, which `x509 -req` cannot).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface TestCa {
  dir: string;
  cert: string;
  key: string;
}

export interface Issued {
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createCa(dir: string, name = 'padda test CA'): TestCa {
  fs.mkdirSync(path.join(dir, 'newcerts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), `[ca]
default_ca = test_ca
[test_ca]
dir = ${dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = any_name
unique_subject = no
default_days = 2
[any_name]
commonName = supplied
`);
  const cert = path.join(dir, 'ca.crt');
  const key = path.join(dir, 'ca.key');
  openssl(['req', '-x509', ...EC_KEY, '-keyout', key, '-out', cert, '-days', '3', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { dir, cert, key };
}

export interface IssueOptions {
  /** DNS names or IP addresses; the first is also the CN. */
  names: string[];
  /** File name stem in the CA's directory. */
  file: string;
  client?: boolean;
  /** openssl dates, YYYYMMDDHHMMSSZ; default: valid from an hour ago for two days. */
  startDate?: string;
  endDate?: string;
}

export function issue(ca: TestCa, options: IssueOptions): Issued {
  const stem = path.join(ca.dir, options.file);
  const san = options.names.map((name) => (net.isIP(name) ? `IP:${name}` : options.client && name.includes(':') ? `URI:${name}` : `DNS:${name}`)).join(',');
  fs.writeFileSync(`${stem}.ext`, `[ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = ${options.client ? 'clientAuth' : 'serverAuth'}
subjectAltName = ${san}
`);
  openssl(['req', '-new', ...EC_KEY, '-keyout', `${stem}.key`, '-out', `${stem}.csr`, '-subj', `/CN=${options.names[0]}`], ca.dir);
  const start = options.startDate ?? opensslDate(new Date(Date.now() - 3_600_000));
  const end = options.endDate ?? opensslDate(new Date(Date.now() + 2 * 86_400_000));
  openssl(['ca', '-batch', '-notext', '-config', path.join(ca.dir, 'ca.cnf'), '-cert', ca.cert, '-keyfile', ca.key,
    '-in', `${stem}.csr`, '-out', `${stem}.crt`, '-startdate', start, '-enddate', end, '-extfile', `${stem}.ext`, '-extensions', 'ext'], ca.dir);
  return { cert: `${stem}.crt`, key: `${stem}.key` };
}

export function opensslDate(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
