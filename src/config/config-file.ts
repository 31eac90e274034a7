/**
 * A file named in the config, relative to the config file's directory (as
 * nginx reads its includes), so a config and the files beside it move
 * together. The schema keeps what was written; the loader, which knows the
 * config's location, makes `path` absolute and checks that it exists. The
 * result is plain JSON, so a worker process needs no directory of its own.
 */
export interface ConfigFile {
  kind: 'config-file';
  written: string;
  path: string;
}

export function isConfigFile(value: unknown): value is ConfigFile {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'config-file' && 'written' in value;
}
