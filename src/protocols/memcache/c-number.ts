/**
 * memcached parses numbers with safe_strtol / safe_strtoul / safe_strtoull
 * (util.c), and what they accept decides between a normal reply and
 * `CLIENT_ERROR`. Their quirks, all checked against memcached 1.6.18:
 * leading whitespace and a `+`/`-` sign are accepted; only the byte right
 * after the digits must be whitespace or the token's end (`1\tx` passes);
 * strtol works on 64 bits and the result is then stored into an int32, so
 * `set k 0 0 4294967297` stores a 1-byte value; unsigned parses reject a
 * `-` only when the 64-bit result looks negative (`-0` passes).
 * Both functions return NaN on rejection (-1 is a valid int32).
 */
import { isSpace } from '../ascii.ts';

const TWO_POW_32 = 4294967296;
const LONG_MAX_DIGITS = '9223372036854775807';
const LONG_MIN_DIGITS = '9223372036854775808';
const ULONG_MAX_DIGITS = '18446744073709551615';

/** Compares the decimal digits buf[start, end) (no leading zeros) with a digit string. */
function compareDigits(buf: Buffer, start: number, end: number, digits: string): number {
  const length = end - start;
  if (length !== digits.length) return length - digits.length;
  for (let i = 0; i < length; i++) {
    const diff = buf[start + i] - digits.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Scans what strtol/strtoull would: returns the low 32 bits of the magnitude
 * in `scan.low`, the significant digits' range and the sign, or false.
 */
const scan = { low: 0, negative: false, digitsStart: 0, digitsEnd: 0 };

function scanNumber(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && isSpace(buf[i])) i++;
  scan.negative = false;
  if (i < end && (buf[i] === 43 || buf[i] === 45)) {
    scan.negative = buf[i] === 45;
    i++;
  }
  const firstDigit = i;
  while (i < end && buf[i] === 48) i++;
  scan.digitsStart = i;
  let low = 0;
  while (i < end) {
    const digit = buf[i] - 48;
    if (digit < 0 || digit > 9) break;
    low = low * 10 + digit;
    if (low >= TWO_POW_32) low %= TWO_POW_32;
    i++;
  }
  if (i === firstDigit) return false;
  if (i < end && !isSpace(buf[i])) return false;
  scan.digitsEnd = i;
  scan.low = low;
  return true;
}

/** safe_strtol: the int32 memcached ends up with, or NaN. */
export function parseLong32(buf: Buffer, start: number, end: number): number {
  if (!scanNumber(buf, start, end)) return NaN;
  const limit = scan.negative ? LONG_MIN_DIGITS : LONG_MAX_DIGITS;
  if (compareDigits(buf, scan.digitsStart, scan.digitsEnd, limit) > 0) return NaN;
  const low = scan.negative ? (TWO_POW_32 - scan.low) % TWO_POW_32 : scan.low;
  return low | 0;
}

/** safe_strtoul / safe_strtoull: the low 32 bits (uint32), or NaN. */
export function parseUnsigned(buf: Buffer, start: number, end: number): number {
  if (!scanNumber(buf, start, end)) return NaN;
  const { digitsStart, digitsEnd } = scan;
  if (compareDigits(buf, digitsStart, digitsEnd, ULONG_MAX_DIGITS) > 0) return NaN;
  if (scan.negative) {
    // strtoull negates: -X becomes 2^64 - X, which reads as negative (and is
    // refused for its '-') unless X is 0 or above 2^63.
    const isZero = digitsStart === digitsEnd;
    if (!isZero && compareDigits(buf, digitsStart, digitsEnd, LONG_MIN_DIGITS) <= 0) return NaN;
    return (TWO_POW_32 - scan.low) % TWO_POW_32;
  }
  return scan.low;
}
