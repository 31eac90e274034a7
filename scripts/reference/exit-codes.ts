/**
 * docs/reference/exit-codes.md: what each exit status of `padda` means, each
 * with a command that ends with it — the reference test runs every one.
 */
import fs from 'node:fs';
import { generatedHeader, table } from './markdown.ts';

export interface ExitCode {
  code: number;
  meaning: string;
  /** A command line (after `padda`) that exits with this code; `CONFIG` is a file holding `config`. */
  example: string;
  /** The config file `CONFIG` stands for, when the example needs one. */
  config?: string;
  /** The environment the example runs with, beyond an empty one. */
  env?: Record<string, string>;
}

export const EXIT_CODES: readonly ExitCode[] = [
  { code: 0, meaning: 'Done: a check passed, a stop (SIGTERM, SIGINT) drained, a load run saw no errors.', example: 'version' },
  {
    code: 1,
    meaning: 'An unexpected error, or a `padda load` run that saw errors or non-2xx answers.',
    example: 'load -c CONFIG --listener web --duration 1s --connections 1',
    config: 'listeners:\n  web: { mode: respond, listen: 127.0.0.1:1 }\n',
  },
  {
    code: 2,
    meaning: 'The config has problems; each is printed as `FILE:LINE:COL path: message`.',
    example: 'check -c CONFIG',
    config: 'listeners:\n  web: { mode: respond, listen: 127.0.0.1:8080, staus: 200 }\n',
  },
  { code: 64, meaning: 'Bad usage: an unknown command or option, a bad option value, no config file given.', example: 'run --no-such-option' },
  {
    code: 69,
    meaning: 'A program `padda load` drives is not installed (redis-benchmark, memcslap, autocannon).',
    example: 'load -c CONFIG --listener cache',
    config: 'listeners:\n  cache: { mode: redis, listen: 127.0.0.1:6379, servers: [127.0.0.1:6380:1] }\n',
    env: { PATH: '/nonexistent' },
  },
];

/** Numeric exit statuses padda's command line can end with, as its sources write them. */
export function exitCodesInSources(): number[] {
  const root = new URL('../../src/', import.meta.url);
  const files = ['main.ts', ...fs.readdirSync(new URL('cli/', root)).filter((f) => f.endsWith('.ts')).map((f) => `cli/${f}`)];
  const codes = new Set<number>();
  for (const file of files) {
    const text = fs.readFileSync(new URL(file, root), 'utf8');
    for (const pattern of [/\bEXIT_[A-Z_]+ = (\d+)/g, /\bexit\((\d+)\)/g, /\bexitCode = (\d+)/g, /^\s*return (\d+);/gm]) {
      for (const [, code] of text.matchAll(pattern)) codes.add(Number(code));
    }
  }
  return [...codes].sort((a, b) => a - b);
}

export function exitCodesPage(): string {
  return [
    generatedHeader('Exit codes', '`scripts/reference/exit-codes.ts`, whose every example the reference test runs'),
    table(['code', 'meaning', 'for example'], EXIT_CODES.map((c) => [String(c.code), c.meaning, `\`padda ${c.example}\`${c.config ? ' (see below)' : ''}`])),
    ...EXIT_CODES.filter((c) => c.config).map((c) => `\`padda ${c.example}\`${c.env ? ` with \`${Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(' ')}\`` : ''} exits ${c.code} with \`CONFIG\`:\n\n\`\`\`yaml\n${c.config}\`\`\``),
  ].join('\n\n') + '\n';
}
