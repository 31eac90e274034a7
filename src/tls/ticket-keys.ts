import { hkdfSync, randomBytes } from 'node:crypto';

/**
 * How the supervisor hands every worker process one secret. Workers share a
 * port through SO_REUSEPORT, so a client's next connection may land on any of
 * them; session tickets resume only if every worker encrypts them with the
 * same keys. Each derives them from this secret, the listener and the
 * rotation epoch, so all rotate together at the same instants. The secret
 * lives only in memory: a restart starts a new one (as nginx's random keys do).
 */
export const TICKET_SECRET_ENV = 'PADDA_TLS_TICKET_SECRET';

let secret: Buffer | null = null;

export function newTicketSecret(): string {
  return randomBytes(32).toString('hex');
}

function ticketSecret(): Buffer {
  if (secret === null) {
    const handed = process.env[TICKET_SECRET_ENV];
    secret = handed && /^[0-9a-f]{64}$/.test(handed) ? Buffer.from(handed, 'hex') : randomBytes(32);
  }
  return secret;
}

/**
 * The 48 bytes node wants (name, HMAC and AES keys) for one listener in the
 * rotation period `now` falls in. Periods of `periodSeconds` are counted from
 * the Unix epoch, so every process agrees on them.
 */
export function ticketKeys(listener: string, periodSeconds: number, now = Date.now()): Buffer {
  const epoch = Math.floor(now / (periodSeconds * 1000));
  return Buffer.from(hkdfSync('sha256', ticketSecret(), listener, `padda session tickets ${epoch}`, 48));
}
