/**
 * Numbers memcached 1.6.18 decides by (memcached.h, proto_text.c, items.c).
 * The scanner answers bad input the way memcached does, so it has to apply
 * the same limits in the same order.
 */

/** KEY_MAX_LENGTH: a longer key is `CLIENT_ERROR bad command line format`. */
export const KEY_MAX_LENGTH = 250;

/**
 * try_read_command_ascii: with more than this many bytes buffered and no
 * `\n`, memcached closes the connection without a reply — unless the line
 * starts with `get ` or `gets ` (after at most 100 spaces), which may grow.
 */
export const LINE_LIMIT = 2048;
export const LONG_GET_MAX_LEADING_SPACES = 100;

/**
 * READ_BUFFER_SIZE: memcached reads into a buffer this big, so a line whose
 * `\n` arrives in one read with it is parsed however long (a 5.9 KB `mg`
 * line gets its CLIENT_ERROR), up to this many bytes, `\n` included; a
 * longer one never fits, and the connection is closed.
 */
export const READ_BUFFER_SIZE = 16384;

/** tokenize_command stops after 23 tokens; `ntokens` counts a terminal one. */
export const MAX_TOKENS = 24;

/** MFLAG_MAX_OPT_LENGTH: meta commands with more `ntokens` are refused. */
export const META_MAX_TOKENS = 20;

/** MFLAG_MAX_OPAQUE_LENGTH: the whole `O…` token, flag letter included. */
export const OPAQUE_MAX_LENGTH = 32;

/** memcached's `-I` default: the largest item, header and key included. */
export const DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;

/**
 * item_size_ok: an item takes sizeof(item) (48 on 64-bit) + key + 1 +
 * 4 when client flags are non-zero + value + 2 (`\r\n`) + 8 (CAS) bytes;
 * more than item_size_max is `SERVER_ERROR object too large for cache`.
 * Checked against memcached 1.6.18: `set k 0 0 1048516` fits, 1048517 does not.
 */
export function itemTooLarge(keyLength: number, clientFlags: number, valueLength: number, itemSizeMax: number): boolean {
  return 48 + keyLength + 1 + (clientFlags === 0 ? 0 : 4) + valueLength + 2 + 8 > itemSizeMax;
}

/** INT_MAX - 2: memcached refuses data lengths that would overflow with `\r\n`. */
export const VALUE_LENGTH_MAX = 2147483645;
