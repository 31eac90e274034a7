/**
 * A client broke the protocol. `reply` holds the exact bytes redis-server 7.0
 * sends in that case (networking.c), or null where Redis closes the connection
 * without a word; either way the connection is to be closed after it.
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly reply: Buffer | null;

  constructor(code: ProtocolErrorCode, message: string, reply: Buffer | null) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.reply = reply;
  }
}

export type ProtocolErrorCode =
  | 'INVALID_MULTIBULK_LENGTH'
  | 'INVALID_BULK_LENGTH'
  | 'UNAUTHENTICATED_MULTIBULK_LENGTH'
  | 'UNAUTHENTICATED_BULK_LENGTH'
  | 'TOO_BIG_MULTIBULK_COUNT'
  | 'TOO_BIG_BULK_COUNT'
  | 'TOO_BIG_INLINE_REQUEST'
  | 'UNBALANCED_QUOTES'
  | 'EXPECTED_DOLLAR'
  | 'QUERY_BUFFER_LIMIT'
  | 'INVALID_REPLY';

const REDIS_ERRORS = {
  INVALID_MULTIBULK_LENGTH: 'Protocol error: invalid multibulk length',
  INVALID_BULK_LENGTH: 'Protocol error: invalid bulk length',
  UNAUTHENTICATED_MULTIBULK_LENGTH: 'Protocol error: unauthenticated multibulk length',
  UNAUTHENTICATED_BULK_LENGTH: 'Protocol error: unauthenticated bulk length',
  TOO_BIG_MULTIBULK_COUNT: 'Protocol error: too big mbulk count string',
  TOO_BIG_BULK_COUNT: 'Protocol error: too big bulk count string',
  TOO_BIG_INLINE_REQUEST: 'Protocol error: too big inline request',
  UNBALANCED_QUOTES: 'Protocol error: unbalanced quotes in request',
} as const;

/** An error Redis answers with `-ERR <text>` before it closes the connection. */
export function requestError(code: keyof typeof REDIS_ERRORS): ProtocolError {
  const text = REDIS_ERRORS[code];
  return new ProtocolError(code, text, Buffer.from(`-ERR ${text}\r\n`, 'latin1'));
}

/**
 * `expected '$', got '%c'`, with CR and LF mapped to spaces as Redis maps
 * them; other bytes are sent as they are, even non-UTF-8. (A NUL never gets
 * here: it hides the line end, so Redis keeps waiting instead.)
 */
export function expectedDollarError(got: number): ProtocolError {
  const shown = got === 0x0d || got === 0x0a ? 0x20 : got;
  const reply = Buffer.concat([Buffer.from("-ERR Protocol error: expected '$', got '", 'latin1'), Buffer.from([shown, 0x27, 0x0d, 0x0a])]);
  return new ProtocolError('EXPECTED_DOLLAR', reply.subarray(5, reply.length - 2).toString('latin1'), reply);
}

/** The incomplete command outgrew `maxQueryBuffer`; Redis logs this and closes without a reply. */
export function queryBufferLimitError(limit: number): ProtocolError {
  return new ProtocolError('QUERY_BUFFER_LIMIT', `incomplete command exceeds the query buffer limit of ${limit} bytes`, null);
}
