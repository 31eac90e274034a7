/**
 * Decimal integers as redis-server reads them (util.c `string2ll`): an optional
 * `-`, then `0` alone or a digit 1-9 followed by digits, fewer than 21 bytes in
 * all, within the range of a C `long long`. No `+`, no spaces, no leading
 * zeros. Matching it exactly keeps padda's idea of a length (and of `numkeys`)
 * identical to the server's, so both split a byte stream the same way.
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
/** LONG_STR_SIZE in redis: a longer text is not a number. */
const MAX_TEXT_LENGTH = 20;
/** Digits of LLONG_MAX; a 19-digit magnitude is compared against it byte by byte. */
const LLONG_MAX_DIGITS = [9, 2, 2, 3, 3, 7, 2, 0, 3, 6, 8, 5, 4, 7, 7, 5, 8, 0, 7];

/**
 * The value of bytes [start, end) of `buf`, or NaN when redis would reject the
 * text. Values beyond 2^53 come back rounded, which is harmless: every caller
 * compares them with limits far below that.
 */
export function parseInteger(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length <= 0 || length > MAX_TEXT_LENGTH) return NaN;
  let p = start;
  const negative = buf[p] === MINUS;
  if (negative) p++;
  if (p === end) return NaN;
  const first = buf[p];
  if (first === DIGIT_0) return p + 1 === end && !negative ? 0 : NaN;
  if (first < DIGIT_0 || first > DIGIT_9) return NaN;
  let value = 0;
  for (let i = p; i < end; i++) {
    const c = buf[i];
    if (c < DIGIT_0 || c > DIGIT_9) return NaN;
    value = value * 10 + (c - DIGIT_0);
  }
  const digits = end - p;
  if (digits > LLONG_MAX_DIGITS.length) return NaN;
  if (digits === LLONG_MAX_DIGITS.length && exceedsLongLong(buf, p, negative)) return NaN;
  return negative ? -value : value;
}

/** Exact range check for 19-digit magnitudes, where doubles cannot tell LLONG_MAX from LLONG_MAX + 1. */
function exceedsLongLong(buf: Uint8Array, p: number, negative: boolean): boolean {
  for (let i = 0; i < LLONG_MAX_DIGITS.length; i++) {
    // LLONG_MIN's magnitude is LLONG_MAX + 1: only its last digit differs.
    const limit = LLONG_MAX_DIGITS[i] + (negative && i === LLONG_MAX_DIGITS.length - 1 ? 1 : 0);
    const digit = buf[p + i] - DIGIT_0;
    if (digit !== limit) return digit > limit;
  }
  return false;
}
