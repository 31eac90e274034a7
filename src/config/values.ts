import { z } from 'zod';
import { parseAddress } from '../net/address.ts';
import type { ConfigFile } from './config-file.ts';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};

/** A duration in milliseconds: a bare number means ms (twemproxy's `timeout: 400`), or "250ms", "2s", "1m". */
export const duration = z
  .union([z.number().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (examples: 400, 250ms, 2s, 1m)` });
      return z.NEVER;
    }
    return Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!;
  })
  .meta({ description: 'milliseconds, or a number with a unit: ms, s, m, h' });

/** A size in bytes: a bare number means bytes, or "64kb", "1mb", "32MiB". */
export const byteSize = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
    const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
    if (!match || unit === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a size (examples: 65536, 64kb, 32mb)` });
      return z.NEVER;
    }
    return Math.floor(Number(match[1]) * unit);
  })
  .meta({ description: 'bytes, or a number with a unit: kb, mb, gb (powers of 1024)' });

/**
 * A string parsed when the config loads, by a function that returns the value
 * or a message; the message is reported at the key's line.
 */
export function parsedString<T extends object>(parse: (text: string) => T | string, description: string) {
  return z.string().transform((text, ctx) => {
    const parsed = parse(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  }).meta({ description });
}

/** A listen or upstream address, parsed at load time so a typo is reported at its line. */
export const address = parsedString(parseAddress, 'host:port, [ipv6]:port, or a unix socket path');

/** A file named in the config (see config-file.ts). */
export const configFile = z.string().min(1).transform((written): ConfigFile => ({ kind: 'config-file', written, path: written }))
  .meta({ description: "a file path; a relative one is read from the config file's directory" });
