import { parseArgs } from 'node:util';
import type { LogLevel } from '../log.ts';

/**
 * padda's command line, which also takes nutcracker's (twemproxy's) flags, so
 * padda can replace the nutcracker binary in scripts and manifests:
 *
 *   nutcracker -c FILE -s PORT -a ADDR -i MS -o LOG -p PIDFILE -d -t -v N -V -m N
 *
 * Long forms are nutcracker's too (--conf-file, --stats-port, --stats-addr,
 * --stats-interval, --output, --pid-file, --daemonize, --test-conf,
 * --verbose, --version, --mbuf-size).
 */
export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'conf-file': { type: 'string' },
  'stats-port': { type: 'string', short: 's' },
  'stats-addr': { type: 'string', short: 'a' },
  'stats-interval': { type: 'string', short: 'i' },
  output: { type: 'string', short: 'o' },
  'log-file': { type: 'string' },
  'pid-file': { type: 'string', short: 'p' },
  daemonize: { type: 'boolean', short: 'd' },
  'test-conf': { type: 'boolean', short: 't' },
  verbose: { type: 'string', short: 'v' },
  version: { type: 'boolean', short: 'V' },
  'mbuf-size': { type: 'string', short: 'm' },
  help: { type: 'boolean', short: 'h' },
  listener: { type: 'string', short: 'l' },
  json: { type: 'boolean' },
  // padda load
  duration: { type: 'string', default: '10s' },
  connections: { type: 'string', default: '50' },
  path: { type: 'string', default: '/' },
  pipelining: { type: 'string', default: '1' },
} as const;

export type CommandLine = ReturnType<typeof parseCommandLine>;

export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

/**
 * nutcracker's -v N (0 emergency … 5 notice, its default … 11 periodic
 * verbose, syslog's order) as a pino level: the nearest one that lets the
 * same kinds of lines through.
 */
export function levelOfVerbosity(text: string): LogLevel | string {
  if (!/^\d+$/.test(text)) return `-v takes a number from 0 to 11 (nutcracker's verbosity), not "${text}"`;
  const n = Number(text);
  if (n <= 2) return 'fatal';
  if (n === 3) return 'error';
  if (n === 4) return 'warn';
  if (n <= 6) return 'info';
  if (n === 7) return 'debug';
  return 'trace';
}

/** nutcracker's -s PORT and -a ADDR: where the twemproxy-format stats are served; its defaults are 22222 and 0.0.0.0. */
export function statsListen(port: string | undefined, addr: string | undefined): string | undefined {
  if (port === undefined && addr === undefined) return undefined;
  const host = addr ?? '0.0.0.0';
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? '22222'}`;
}
