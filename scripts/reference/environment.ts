/**
 * docs/reference/environment.md: the environment variables padda reads, the
 * image's defaults (from the Dockerfile) and those the shipped configs
 * reference. What each of padda's own means is said here; which ones padda
 * reads is found in its sources, so a new one fails the reference test until
 * it is described.
 */
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { generatedHeader, table } from './markdown.ts';

const ROOT = new URL('../../', import.meta.url);

interface Variable {
  name: string;
  /** `user`: set it to configure padda; `internal`: padda sets it for its own child processes. */
  setBy: 'user' | 'internal';
  meaning: string;
}

export const PADDA_VARIABLES: readonly Variable[] = [
  { name: 'PADDA_CONFIG', setBy: 'user', meaning: 'The config file when no `-c FILE` is given.' },
  { name: 'PADDA_LOG_LEVEL', setBy: 'user', meaning: '`fatal`, `error`, `warn`, `info`, `debug` or `trace`; wins over `log.level` in the file (a bad value: exit 64).' },
  { name: 'PADDA_LOG_FILE', setBy: 'user', meaning: 'Log to this file instead of stdout, as `-o FILE`; SIGHUP reopens it.' },
  { name: 'PADDA_ADMIN_LISTEN', setBy: 'user', meaning: 'Where a nutcracker.yml\'s admin server listens (padda\'s own configs read it as `${PADDA_ADMIN_LISTEN:-…}`).' },
  { name: 'PADDA_STATS_LISTEN', setBy: 'user', meaning: 'Serve twemproxy\'s stats JSON here, as `-s PORT`/`-a ADDR`; wins over `admin.twemproxy_stats`.' },
  { name: 'PADDA_WORKER_ID', setBy: 'internal', meaning: 'A worker process\'s number, in its logs and metrics.' },
  { name: 'PADDA_TLS_TICKET_SECRET', setBy: 'internal', meaning: 'The TLS session-ticket secret the supervisor hands its workers, so a ticket from one resumes on another.' },
  { name: 'PADDA_DAEMONIZED', setBy: 'internal', meaning: 'Marks the detached child of `-d`, so it does not detach again.' },
];

/**
 * The `PADDA_*` variables padda's sources read or set: `env.NAME`, `env['NAME']`,
 * `NAME:` as a key of an environment object, and a constant `X = 'NAME'` used
 * as `env[X]` or `[X]:`. (Error codes such as PADDA_HTTP_RESET are never used so.)
 */
export function variablesInSources(): string[] {
  const names = new Set<string>();
  const files = [...fs.readdirSync(new URL('src/', ROOT), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => `src/${f}`), 'bin/padda'];
  for (const file of files) {
    const text = fs.readFileSync(new URL(file, ROOT), 'utf8');
    for (const [, name] of text.matchAll(/\benv(?:\?)?(?:\.|\[')(PADDA_[A-Z0-9_]+)/g)) names.add(name!);
    for (const [, name] of text.matchAll(/(?:(?<!\$)\{|,)\s*(PADDA_[A-Z0-9_]+)\s*:/g)) names.add(name!);
    for (const [, constant, name] of text.matchAll(/\b([A-Z_]+)\s*=\s*'(PADDA_[A-Z0-9_]+)'/g)) {
      if (new RegExp(`env\\[${constant}\\]|\\[${constant}\\]\\s*:`).test(text)) names.add(name!);
    }
  }
  return [...names].sort();
}

/** The Dockerfile's `ENV NAME=value` lines with the `# NAME: meaning` comment above each. */
function imageDefaults(): string[][] {
  const lines = fs.readFileSync(new URL('Dockerfile', ROOT), 'utf8').split('\n');
  return lines.flatMap((line, i) => {
    const env = /^ENV ([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(line);
    if (!env) return [];
    const comment = new RegExp(`^# ${env[1]}: (.*)$`).exec(lines[i - 1] ?? '');
    return [[`\`${env[1]}\``, `\`${env[2]}\``, comment?.[1] ?? '']];
  });
}

/** Every `${NAME}` or `${NAME:-default}` in config/*.yaml and in deploy/'s ConfigMaps, with where it is. */
function configReferences(): string[][] {
  const uses = new Map<string, { defaults: Set<string>; files: Set<string> }>();
  const note = (text: string, where: string) => {
    for (const [, name, fallback] of text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)) {
      const use = uses.get(name!) ?? { defaults: new Set(), files: new Set() };
      use.defaults.add(fallback === undefined ? '(required)' : fallback === '' ? 'empty' : `\`${fallback}\``);
      use.files.add(where);
      uses.set(name!, use);
    }
  };
  for (const file of fs.readdirSync(new URL('config/', ROOT)).filter((f) => f.endsWith('.yaml')).sort()) {
    note(fs.readFileSync(new URL(`config/${file}`, ROOT), 'utf8'), `config/${file}`);
  }
  for (const file of fs.readdirSync(new URL('deploy/', ROOT)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(new URL(`deploy/${file}`, ROOT), 'utf8'))) {
      const object = doc.toJS() as { kind?: string; data?: Record<string, string> };
      if (object.kind !== 'ConfigMap') continue;
      for (const [key, text] of Object.entries(object.data ?? {})) if (/\.ya?ml$/.test(key)) note(text, `deploy/${file}`);
    }
  }
  return [...uses].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, use]) => [`\`${name}\``, [...use.defaults].join(', '), [...use.files].join(', ')]);
}

export function environmentPage(): string {
  const own = [...PADDA_VARIABLES].sort((a, b) => (a.name < b.name ? -1 : 1));
  return [
    generatedHeader('Environment variables', '`scripts/reference/environment.ts`, the Dockerfile and the shipped configs'),
    '## Read by padda',
    table(['variable', 'set by', 'meaning'], own.map((v) => [`\`${v.name}\``, v.setBy === 'user' ? 'you' : 'padda, for its own processes', v.meaning])),
    'Any other variable is read only where a config names it: `${VAR}` or `${VAR:-default}` in a value (an unset `${VAR}` without a default is a config problem, exit 2).',
    '## Set in the image (Dockerfile `ENV`)',
    table(['variable', 'default', 'meaning'], imageDefaults()),
    '## Named by the shipped configs',
    table(['variable', 'default', 'where'], configReferences()),
  ].join('\n\n') + '\n';
}
