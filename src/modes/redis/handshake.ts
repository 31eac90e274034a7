import { encodeCommand } from '../../protocols/resp/command-encoder.ts';
import type { InFlight } from '../../upstream/in-flight.ts';

/** A command as a client would send it, from whole words. */
function command(...words: string[]): Buffer {
  const buffer = Buffer.from(words.join(''));
  const argStart = new Int32Array(words.length);
  const argEnd = new Int32Array(words.length);
  let at = 0;
  words.forEach((word, i) => {
    argStart[i] = at;
    at += Buffer.byteLength(word);
    argEnd[i] = at;
  });
  return encodeCommand({ buffer, argc: words.length, argStart, argEnd });
}

/**
 * The reply to AUTH or SELECT on a new server connection. An error means
 * every command behind it would fail with NOAUTH or land in the wrong
 * database, so the connection is failed (and counts toward ejection).
 */
class HandshakeReply implements InFlight {
  sentAt = 0;
  readonly #step: string;
  readonly #refuse: (reason: string) => void;

  constructor(step: string, refuse: (reason: string) => void) {
    this.#step = step;
    this.#refuse = refuse;
  }

  reply(bytes: Buffer): void {
    if (bytes[0] === 0x2d) this.#refuse(`${this.#step} refused: ${bytes.toString('utf8', 1).trim()}`);
  }

  fail(): void {}
}

/**
 * The handshake every server connection of a redis listener starts with:
 * AUTH [redis_auth_user] redis_auth, SELECT redis_db; and READONLY where reads may go to a
 * cluster replica (a replica redirects reads to its primary without it;
 * a primary ignores it, so a node that changes role needs no new handshake).
 */
export function redisHandshake(auth: string | undefined, user: string | undefined, db: number, readonly = false): ((refuse: (reason: string) => void) => Array<{ bytes: Buffer; request: InFlight }>) | undefined {
  const steps: Array<{ name: string; bytes: Buffer }> = [];
  // AUTH user pass: an ACL user (Redis 6); AUTH pass: the default user.
  if (auth !== undefined) steps.push({ name: 'AUTH', bytes: user === undefined ? command('AUTH', auth) : command('AUTH', user, auth) });
  if (db !== 0) steps.push({ name: `SELECT ${db}`, bytes: command('SELECT', String(db)) });
  if (readonly) steps.push({ name: 'READONLY', bytes: command('READONLY') });
  if (steps.length === 0) return undefined;
  return (refuse) => steps.map(({ name, bytes }) => ({ bytes, request: new HandshakeReply(name, refuse) }));
}
