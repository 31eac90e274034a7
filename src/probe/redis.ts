/**
 * Redis commands over a ProbeConnection (RESP2): enough for PING, AUTH,
 * ROLE and INFO. The reply's end is found by the same scanner the proxy
 * uses; decoding is a small descent over the complete reply.
 */
import { ReplyScanner } from '../protocols/resp/reply-scanner.ts';
import type { ProbeConnection } from './connection.ts';

/** An error reply (`-ERR …`, `-WRONGPASS …`), as a value: the caller decides whether it fails. */
export class RedisErrorReply {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export type RedisValue = string | number | null | RedisErrorReply | RedisValue[];

export async function redisCommand(connection: ProbeConnection, ...args: string[]): Promise<RedisValue> {
  connection.write(encode(args));
  return decodeReply(await connection.read(replyEnd));
}

/** Like redisCommand, but an error reply rejects, prefixed with what was asked. */
export async function redisCall(connection: ProbeConnection, ...args: string[]): Promise<RedisValue> {
  const reply = await redisCommand(connection, ...args);
  if (reply instanceof RedisErrorReply) throw new Error(`${args[0]}: ${reply.message}`);
  return reply;
}

/** AUTH as `user` (Redis 6 ACL) or with the password alone; nothing without a password. */
export async function redisAuth(connection: ProbeConnection, user: string | undefined, password: string | undefined): Promise<void> {
  if (password === undefined) return;
  await redisCall(connection, 'AUTH', ...(user === undefined ? [] : [user]), password);
}

/** INFO's `field:value` lines as a map; section headers and blank lines are skipped. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

function encode(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

function replyEnd(buffer: Buffer): number {
  const scanner = new ReplyScanner();
  const end = scanner.scan(buffer, 0);
  if (scanner.error !== null) throw new Error(`malformed reply: ${scanner.error.message}`);
  return end;
}

/** Decodes one complete reply; the scanner has checked its framing. */
export function decodeReply(buffer: Buffer): RedisValue {
  return decodeAt(buffer, 0).value;
}

function decodeAt(buffer: Buffer, at: number): { value: RedisValue; next: number } {
  const lineEnd = buffer.indexOf('\r\n', at);
  const line = buffer.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (buffer[at]) {
    case 0x2b: // +
      return { value: line, next };
    case 0x2d: // -
      return { value: new RedisErrorReply(line), next };
    case 0x3a: // :
      return { value: Number(line), next };
    case 0x24: { // $
      const length = Number(line);
      if (length < 0) return { value: null, next };
      return { value: buffer.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case 0x2a: { // *
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: RedisValue[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = decodeAt(buffer, pos);
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(String.fromCharCode(buffer[at]!))}`);
  }
}
