import { formatAddress, type Address } from '../net/address.ts';
import { isConfigFile } from './config-file.ts';

/** Keys whose values are credentials; /config and `padda check` show them as "<redacted>". */
const SECRET_KEYS = /^(redis_auth|auth|password|pass|secret|token|passphrase|.*_password|.*_secret|.*_token)$/i;

/**
 * The config as people wrote it, normalized: defaults filled in, addresses
 * back in their `host:port` form, secrets hidden. Used by `padda check` and
 * the admin server's /config.
 */
export function displayConfig(value: unknown, key = ''): unknown {
  if (SECRET_KEYS.test(key) && value !== undefined && value !== null && value !== '') return '<redacted>';
  if (Array.isArray(value)) return value.map((item) => displayConfig(item));
  if (isAddress(value)) return formatAddress(value);
  if (isServerEntry(value)) return value.label;
  if (isConfigFile(value)) return value.path;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, displayConfig(v, k)]));
  }
  return value;
}

/** A pool server parsed from `host:port:weight [name]`; shown as written. */
function isServerEntry(value: unknown): value is { label: string } {
  return value !== null && typeof value === 'object' && typeof (value as { label?: unknown }).label === 'string' && 'portText' in value;
}

function isAddress(value: unknown): value is Address {
  if (value === null || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return (kind === 'tcp' && 'host' in value && 'port' in value) || (kind === 'unix' && 'path' in value);
}
