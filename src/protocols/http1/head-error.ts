/**
 * Why a message head (or its body framing) was refused: the status padda
 * answers a client with, the `x-padda-error` reason, and a one-line message.
 * For an upstream's response every one of them becomes 502
 * upstream_bad_response; the code says what was wrong, for the log.
 */
export interface HeadError {
  readonly code: HeadErrorCode;
  readonly status: number;
  readonly reason: string;
  readonly message: string;
}

export type HeadErrorCode = keyof typeof ERRORS;

const ERRORS = {
  BAD_START_LINE: [400, 'bad_request', 'malformed request line'],
  BAD_METHOD: [400, 'bad_request', 'the method is not a token'],
  UNKNOWN_METHOD: [501, 'method_not_implemented', 'unknown request method'],
  BAD_TARGET: [400, 'bad_request_target', 'request target must be a path or an absolute http(s) URL'],
  BAD_VERSION: [400, 'bad_request', 'only HTTP/1.0 and HTTP/1.1 are served here'],
  BAD_STATUS: [400, 'bad_request', 'malformed status line'],
  BARE_LF: [400, 'bad_request', 'lines must end with CRLF'],
  BAD_FIELD_NAME: [400, 'bad_request', 'malformed header field name'],
  OBS_FOLD: [400, 'bad_request', 'header fields must not be folded'],
  BAD_FIELD_VALUE: [400, 'bad_request', 'a header field value holds a forbidden byte'],
  URI_TOO_LONG: [414, 'uri_too_long', 'request line too long'],
  HEAD_TOO_LARGE: [431, 'header_overflow', 'request header fields too large'],
  BAD_CONTENT_LENGTH: [400, 'bad_request', 'invalid or repeated Content-Length'],
  LENGTH_AND_CHUNKED: [400, 'bad_request', 'Content-Length and Transfer-Encoding together'],
  BAD_TRANSFER_ENCODING: [400, 'bad_request', 'the final transfer coding must be chunked'],
  UNSUPPORTED_CODING: [501, 'unsupported_transfer_coding', 'only the chunked transfer coding is supported'],
  CHUNKED_IN_HTTP_1_0: [400, 'bad_request', 'Transfer-Encoding in an HTTP/1.0 request'],
  BAD_HOST: [400, 'bad_host', 'Host must be a host name or address and an optional port'],
  MISSING_HOST: [400, 'missing_host', 'an HTTP/1.1 request needs a Host header'],
  DUPLICATE_HOST: [400, 'duplicate_host', 'a request must have one Host header'],
  BAD_EXPECT: [417, 'expectation_failed', 'only Expect: 100-continue is supported'],
  BAD_CHUNK: [400, 'bad_request', 'malformed chunked body'],
  TRAILERS_TOO_LARGE: [400, 'bad_request', 'chunked trailer section too large'],
} as const satisfies Record<string, readonly [number, string, string]>;

const ALL = Object.fromEntries(Object.entries(ERRORS).map(([code, [status, reason, message]]) =>
  [code, Object.freeze({ code, status, reason, message })])) as Record<HeadErrorCode, HeadError>;

export function headError(code: HeadErrorCode): HeadError {
  return ALL[code];
}
