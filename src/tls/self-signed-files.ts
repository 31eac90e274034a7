import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { CertificateError, loadPair } from './certificate-pair.ts';
import { selfSignedCertificate } from './self-signed.ts';

const NAMES = ['localhost', '127.0.0.1', '::1'];
const DAYS = 365;
/** A lock older than this was left by a process that died while writing; it is taken over. */
const STALE_LOCK_MS = 5_000;

/**
 * Makes sure `cert` and `key` hold a usable self-signed pair for localhost,
 * writing a new one when they are missing, mismatched or expired. Several
 * worker processes may start at once: a lock file lets one write while the
 * others wait, so nobody reads a certificate with another process's key.
 */
export function ensureSelfSigned(cert: string, key: string, log: Logger): void {
  if (usable(cert, key)) return;
  fs.mkdirSync(path.dirname(path.resolve(cert)), { recursive: true });
  fs.mkdirSync(path.dirname(path.resolve(key)), { recursive: true });
  const lock = `${cert}.lock`;
  const deadline = Date.now() + STALE_LOCK_MS * 2;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (usable(cert, key)) return;
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held === undefined) continue;
      if (Date.now() > deadline || Date.now() - held.mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // a synchronous 50 ms sleep
    }
  }
  try {
    if (usable(cert, key)) return;
    const pair = selfSignedCertificate(NAMES, DAYS);
    writeAtomically(key, pair.key, 0o600);
    writeAtomically(cert, pair.cert, 0o644);
    log.info({ cert, key, names: NAMES, days: DAYS }, 'wrote a self-signed certificate');
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function usable(cert: string, key: string): boolean {
  try {
    loadPair({ cert, key, names: [] });
    return true;
  } catch (error) {
    if (error instanceof CertificateError) return false;
    throw error;
  }
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}
