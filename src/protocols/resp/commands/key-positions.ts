/**
 * Which arguments of a request are keys, decided as redis-server 7.0 decides
 * it (db.c getKeysFromCommandWithSpecs, the source of COMMAND GETKEYS): follow
 * the command's key specs; where a spec cannot be followed (unknown, or
 * incomplete like SORT's STORE and MIGRATE's KEYS, or a malformed numkeys),
 * use the command's own key function. Agreeing with the server matters: the
 * key padda hashes must be the key the server touches.
 *
 *   const keys = new KeyPositions();         // one per connection, reused
 *   const n = keys.find(command, scanner);   // keys.indexes[0..n) are argument indexes
 *
 * Assumes the argument count passed the arity check (RedisCommand.acceptsArgc);
 * even when it did not, every index returned is below argc.
 */
import { foldCase, isSpace } from '../../ascii.ts';
import type { CommandArguments } from '../command-arguments.ts';
import { parseInteger } from '../integer.ts';
import { KeyFallback, type RedisCommand } from './command-table.ts';
import { BEGIN_INDEX, BEGIN_KEYWORD, FIND_KEYNUM, FIND_RANGE, type CompiledKeySpec } from './key-spec.ts';

const word = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const STORE = word('store');
const LIMIT = word('limit');
const GET = word('get');
const BY = word('by');
const KEYS = word('keys');
const AUTH = word('auth');
const AUTH2 = word('auth2');

export class KeyPositions {
  /** Number of keys found by the last find(). */
  count = 0;
  /** Argument indexes of the keys, in Redis's order. Re-read after find(): replaced when it grows. */
  indexes = new Int32Array(16);

  /**
   * Finds the keys of `args` (a request for `command`); returns their count.
   * `includeNotKeys` also returns arguments specs mark as not keys, i.e. the
   * shard channel of SPUBLISH/SSUBSCRIBE, for routing sharded pub/sub.
   */
  find(command: RedisCommand, args: CommandArguments, includeNotKeys = false): number {
    this.count = 0;
    const specs = command.keySpecs;
    const followSpecs = includeNotKeys ? specs.length > 0 : command.hasKeySpecs;
    if (followSpecs && this.fromSpecs(specs, args, includeNotKeys)) return this.count;
    this.count = 0;
    switch (command.keyFallback) {
      case KeyFallback.SORT: this.sortKeys(args); break;
      case KeyFallback.SORT_RO: this.push(1, args.argc); break;
      case KeyFallback.MIGRATE: this.migrateKeys(args); break;
      case KeyFallback.KEY_COUNT: this.countedKeys(specs, args); break;
    }
    return this.count;
  }

  /** getKeysUsingKeySpecs; false where Redis would call the spec invalid. */
  private fromSpecs(specs: readonly CompiledKeySpec[], args: CommandArguments, includeNotKeys: boolean): boolean {
    const { argc } = args;
    for (const spec of specs) {
      if (spec.notKey && !includeNotKeys) continue;
      let first = 0;
      if (spec.begin === BEGIN_INDEX) {
        first = spec.index;
      } else if (spec.begin === BEGIN_KEYWORD) {
        first = keywordSearch(spec, args);
        if (first === 0) continue; // keyword absent: this spec has no keys
      } else {
        return false;
      }
      let last: number;
      if (spec.find === FIND_RANGE) {
        if (spec.lastKey >= 0) last = first + spec.lastKey;
        else if (spec.limit === 0) last = argc + spec.lastKey;
        else last = first + Math.trunc((argc - first) / spec.limit) + spec.lastKey;
      } else if (spec.find === FIND_KEYNUM) {
        const countAt = first + spec.keyNumIndex;
        if (countAt >= argc) return false;
        const keyCount = parseInteger(args.buffer, args.argStart[countAt], args.argEnd[countAt]);
        if (!(keyCount >= 0)) return false;
        first += spec.firstKey;
        last = first + (keyCount | 0) - 1; // Redis narrows the count to a C int the same way
      } else {
        return false;
      }
      if (last >= argc || last < first || first >= argc) return false;
      for (let i = first; i <= last; i += spec.keyStep) this.push(i, argc);
      if (spec.incomplete) return false;
    }
    return true;
  }

  /** sortGetKeys: the sorted key, and the argument after the last STORE (skipping LIMIT's, GET's and BY's values). */
  private sortKeys(args: CommandArguments): void {
    const { argc } = args;
    let store = 0;
    for (let i = 2; i < argc; i++) {
      if (matchesWord(args, i, LIMIT)) i += 2;
      else if (matchesWord(args, i, STORE) && i + 1 < argc) store = i + 1;
      else if (matchesWord(args, i, GET) || matchesWord(args, i, BY)) i += 1;
    }
    this.push(1, argc);
    if (store !== 0) this.push(store, argc);
  }

  /** migrateGetKeys: argument 3, or with an empty argument 3 every argument after KEYS. */
  private migrateKeys(args: CommandArguments): void {
    const { argc } = args;
    let first = 3;
    let count = 1;
    for (let i = 6; i < argc; i++) {
      if (matchesWord(args, i, KEYS)) {
        if (args.argEnd[3] > args.argStart[3]) {
          count = 0; // both a key and KEYS: a syntax error MIGRATE reports itself
        } else {
          first = i + 1;
          count = argc - first;
        }
        break;
      }
      // COPY and REPLACE take no value; AUTH one, AUTH2 two.
      if (matchesWord(args, i, AUTH)) i += 1;
      else if (matchesWord(args, i, AUTH2)) i += 2;
    }
    for (let i = 0; i < count; i++) this.push(first + i, argc);
  }

  /**
   * genericGetKeys, for a numkeys the specs rejected: Redis re-reads it with
   * atoi (so "+2" or "2x" count), then lists the keys and any destination key last.
   */
  private countedKeys(specs: readonly CompiledKeySpec[], args: CommandArguments): void {
    const { argc } = args;
    const spec = specs.find((s) => s.find === FIND_KEYNUM)!;
    const countAt = spec.index + spec.keyNumIndex;
    const first = spec.index + spec.firstKey;
    if (countAt >= argc) return;
    const count = cAtoi(args.buffer, args.argStart[countAt], args.argEnd[countAt]);
    if (count < 1 || count > Math.trunc((argc - first) / spec.keyStep)) return;
    for (let i = 0; i < count; i++) this.push(first + i * spec.keyStep, argc);
    const destination = specs.find((s) => s !== spec && s.begin === BEGIN_INDEX && s.find === FIND_RANGE);
    if (destination !== undefined) this.push(destination.index, argc);
  }

  private push(index: number, argc: number): void {
    if (index >= argc) return;
    if (this.count === this.indexes.length) {
      const grown = new Int32Array(this.count * 2);
      grown.set(this.indexes);
      this.indexes = grown;
    }
    this.indexes[this.count++] = index;
  }
}

/** begin_search keyword: the index after the keyword, searched as Redis does (its end index excluded); 0 when absent. */
function keywordSearch(spec: CompiledKeySpec, args: CommandArguments): number {
  const { argc } = args;
  const start = spec.startFrom > 0 ? spec.startFrom : argc + spec.startFrom;
  const end = spec.startFrom > 0 ? argc - 1 : 1;
  const step = start <= end ? 1 : -1;
  for (let i = start; i !== end; i += step) {
    if (i >= argc || i < 1) break;
    if (matchesWord(args, i, spec.keyword)) return i + 1;
  }
  return 0;
}

/**
 * Redis compares option words with strcasecmp on C strings: a NUL byte ends
 * the argument for that comparison, so "STORE\0x" counts as STORE. Mirrored
 * so padda never disagrees with the server about which argument is a key.
 */
function matchesWord(args: CommandArguments, i: number, lowercase: Uint8Array): boolean {
  const { buffer } = args;
  const start = args.argStart[i];
  const length = args.argEnd[i] - start;
  if (length < lowercase.length || (length > lowercase.length && buffer[start + lowercase.length] !== 0)) return false;
  for (let j = 0; j < lowercase.length; j++) if (foldCase(buffer[start + j]) !== lowercase[j]) return false;
  return true;
}

const LONG_MAX = 2n ** 63n - 1n;

/** C atoi (glibc: strtol clamped to long, then narrowed to int). */
function cAtoi(buf: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end && isSpace(buf[p])) p++;
  const negative = p < end && buf[p] === 0x2d;
  if (p < end && (buf[p] === 0x2d || buf[p] === 0x2b)) p++;
  let value = 0n;
  for (; p < end && buf[p] >= 0x30 && buf[p] <= 0x39; p++) {
    value = value * 10n + BigInt(buf[p] - 0x30);
    if (value > LONG_MAX + 1n) break;
  }
  const long = negative ? (value > LONG_MAX + 1n ? -LONG_MAX - 1n : -value) : value > LONG_MAX ? LONG_MAX : value;
  return Number(BigInt.asIntN(32, long));
}
