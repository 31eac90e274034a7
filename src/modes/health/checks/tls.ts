import fs from 'node:fs';
import tls from 'node:tls';
import { formatAddress } from '../../../net/address.ts';
import { abortError } from '../../../probe/connection.ts';
import type { CheckConfig } from '../schema.ts';
import { CheckFailure, type Check, type CheckDetails } from './check.ts';

type TlsCheckConfig = Extract<CheckConfig, { type: 'tls' }>;

const DAY_MS = 86_400_000;

/**
 * A TLS handshake on a fresh connection: passes when it completes, the
 * certificate verifies (unless `verify: false`) and it has at least
 * `min_days` left. The days left are shown either way.
 */
export class TlsCheck implements Check {
  readonly type = 'tls';
  readonly target: string;
  private readonly config: TlsCheckConfig;

  constructor(config: TlsCheckConfig) {
    this.config = config;
    this.target = formatAddress(config.address);
  }

  async run(signal: AbortSignal): Promise<CheckDetails> {
    const certificate = await this.handshake(signal);
    const expires = new Date(certificate.valid_to);
    const daysLeft = Math.floor(((expires.getTime() - Date.now()) / DAY_MS) * 10) / 10;
    const details: CheckDetails = { subject: [certificate.subject?.CN ?? ''].flat().join(', '), expires: expires.toISOString(), days_left: daysLeft };
    if (daysLeft < 0) throw new CheckFailure(`certificate expired on ${details.expires}`, details);
    if (daysLeft < this.config.min_days) throw new CheckFailure(`certificate expires in ${daysLeft} days (min_days ${this.config.min_days})`, details);
    return details;
  }

  private handshake(signal: AbortSignal): Promise<tls.PeerCertificate> {
    const host = this.config.address.kind === 'tcp' ? this.config.address.host : undefined;
    const serverName = this.config.server_name ?? (host !== undefined && !/^[\d.:]+$/.test(host) ? host : undefined);
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        ...(this.config.address.kind === 'unix' ? { path: this.config.address.path } : { host: this.config.address.host, port: this.config.address.port }),
        ...(serverName !== undefined ? { servername: serverName } : {}),
        ...(this.config.ca !== undefined ? { ca: fs.readFileSync(this.config.ca.path) } : {}),
        rejectUnauthorized: this.config.verify,
        // Without SNI (an IP target), verify against the configured name or the address itself.
        checkServerIdentity: (name, cert) => tls.checkServerIdentity(serverName ?? name, cert),
      });
      const aborted = () => socket.destroy(abortError(signal));
      signal.addEventListener('abort', aborted, { once: true });
      socket.once('secureConnect', () => {
        signal.removeEventListener('abort', aborted);
        const certificate = socket.getPeerCertificate();
        socket.destroy();
        if (certificate === null || Object.keys(certificate).length === 0) reject(new CheckFailure('the server sent no certificate'));
        else resolve(certificate);
      });
      socket.once('error', (error) => {
        signal.removeEventListener('abort', aborted);
        socket.destroy();
        reject(error);
      });
    });
  }
}
