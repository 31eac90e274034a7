import type { CommandArguments } from '../../protocols/resp/command-arguments.ts';
import { KeyPositions } from '../../protocols/resp/commands/key-positions.ts';
import { findCommand, redisCommands } from '../../protocols/resp/commands/command-table.ts';
import { parseInteger } from '../../protocols/resp/integer.ts';
import {
  arrayReply, bulkReply, EMPTY_ARRAY_REPLY, errorReply, integerReply, NULL_BULK_REPLY, OK_REPLY, PONG_REPLY, simpleStringReply,
} from '../../protocols/resp/reply-encoder.ts';
import { VERSION } from '../../version.ts';

/** The Redis version padda presents; clients gate features on it. */
export const PRESENTED_REDIS_VERSION = '7.0.15';

/** What local commands may read and change of the client that sent them. */
export interface LocalClient {
  readonly id: number;
  name: string | null;
  authenticated: boolean;
  /** The configured password, or undefined when none is required. */
  readonly password: string | undefined;
  /** The ACL user padda is on its servers, which a client may name in AUTH besides `default`. */
  readonly user: string | undefined;
  readonly db: number;
}

export const AUTH_REQUIRED = errorReply('NOAUTH Authentication required.');
const WRONG_PASSWORD = errorReply('WRONGPASS invalid username-password pair or user is disabled.');
const NO_PASSWORD_SET = errorReply('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
const NOT_AN_INTEGER = errorReply('ERR value is not an integer or out of range');

function text(args: CommandArguments, i: number): string {
  return Buffer.from(args.buffer.buffer, args.buffer.byteOffset + args.argStart[i]!, args.argEnd[i]! - args.argStart[i]!).toString('utf8');
}

function bytes(args: CommandArguments, i: number): Uint8Array {
  return args.buffer.subarray(args.argStart[i]!, args.argEnd[i]!);
}

function authenticate(client: LocalClient, user: string | null, password: string): Buffer {
  if (client.password === undefined) return NO_PASSWORD_SET;
  if ((user !== null && user !== 'default' && user !== client.user) || password !== client.password) return WRONG_PASSWORD;
  client.authenticated = true;
  return OK_REPLY;
}

const keys = new KeyPositions();

/**
 * Answers the commands padda handles without a server, or returns null when
 * `name` is not one of them (then the caller forwards it: COMMAND INFO and
 * COMMAND DOCS are the servers' business).
 */
export function answerLocally(name: string, args: CommandArguments, client: LocalClient): Buffer | null {
  switch (name) {
    case 'ping':
      return args.argc > 1 ? bulkReply(bytes(args, 1)) : PONG_REPLY;
    case 'echo':
      return bulkReply(bytes(args, 1));
    case 'quit':
      return OK_REPLY;
    case 'auth':
      return args.argc === 2 ? authenticate(client, null, text(args, 1)) : authenticate(client, text(args, 1), text(args, 2));
    case 'select': {
      const db = parseInteger(args.buffer, args.argStart[1]!, args.argEnd[1]!);
      if (!Number.isInteger(db)) return NOT_AN_INTEGER;
      return db === client.db ? OK_REPLY : errorReply(`ERR SELECT is not allowed in proxy mode: this listener serves db ${client.db}`);
    }
    case 'hello':
      return hello(args, client);
    case 'info':
      return bulkReply(`# Server\r\nredis_version:${PRESENTED_REDIS_VERSION}\r\nredis_mode:standalone\r\nproxy:padda ${VERSION}\r\n\r\n# Persistence\r\nloading:0\r\n`);
    case 'command|count':
      return integerReply(redisCommands.commands.length);
    case 'command|getkeys':
      return getKeys(args);
    case 'client|setname':
      client.name = text(args, 2);
      return OK_REPLY;
    case 'client|getname':
      return client.name === null ? NULL_BULK_REPLY : bulkReply(client.name);
    case 'client|id':
      return integerReply(client.id);
    default:
      return null;
  }
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: RESP2 only. */
function hello(args: CommandArguments, client: LocalClient): Buffer {
  if (args.argc > 1) {
    const version = parseInteger(args.buffer, args.argStart[1]!, args.argEnd[1]!);
    if (!Number.isInteger(version)) return errorReply('ERR Protocol version is not an integer or out of range');
    if (version !== 2) return errorReply('NOPROTO unsupported protocol version');
  }
  for (let i = 2; i < args.argc; i++) {
    const option = text(args, i).toLowerCase();
    if (option === 'auth' && i + 2 < args.argc) {
      const result = authenticate(client, text(args, i + 1), text(args, i + 2));
      if (result !== OK_REPLY) return result;
      i += 2;
    } else if (option === 'setname' && i + 1 < args.argc) {
      client.name = text(args, ++i);
    } else {
      return errorReply(`ERR Syntax error in HELLO option '${option}'`);
    }
  }
  if (client.password !== undefined && !client.authenticated) return AUTH_REQUIRED;
  return arrayReply([
    bulkReply('server'), bulkReply('redis'), bulkReply('version'), bulkReply(PRESENTED_REDIS_VERSION),
    bulkReply('proto'), integerReply(2), bulkReply('id'), integerReply(client.id),
    bulkReply('mode'), bulkReply('standalone'), bulkReply('role'), bulkReply('master'),
    bulkReply('modules'), EMPTY_ARRAY_REPLY,
  ]);
}

/** COMMAND GETKEYS answered from padda's own key finding, which is what routing uses. */
function getKeys(args: CommandArguments): Buffer {
  const inner: CommandArguments = {
    buffer: args.buffer,
    argc: args.argc - 2,
    argStart: args.argStart.subarray(2),
    argEnd: args.argEnd.subarray(2),
  };
  const command = inner.argc > 0 ? findCommand(inner) : undefined;
  if (command === undefined) return errorReply('ERR Invalid command specified');
  if (!command.acceptsArgc(inner.argc)) return errorReply('ERR Invalid number of arguments specified for command');
  const count = keys.find(command, inner);
  if (count === 0) return errorReply('ERR The command has no key arguments');
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) out.push(bulkReply(bytes(inner, keys.indexes[i]!)));
  return arrayReply(out);
}
