/** Byte classes as C code sees them (C locale): redis-server's and memcached's parsers both go by them. */

/** C isspace(): space, \t, \n, \v, \f, \r. */
export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** ASCII letters to lower case, every other byte unchanged (C tolower). */
export function foldCase(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}
