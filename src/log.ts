import pino from 'pino';

export type Logger = pino.Logger;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON lines on stdout, as a container log collector expects, or appended to
 * `file` (nutcracker's -o). Synchronous, so nothing is lost on exit. Children
 * follow their root's level: pino makes them from it by prototype.
 */
export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}, file?: string): Logger {
  const destination = file === undefined ? pino.destination({ dest: 1, sync: true }) : pino.destination({ dest: file, sync: true, mkdir: true, append: true });
  return pino({ level, base: { pid: process.pid, ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** After logrotate moved the log file away (SIGHUP, as nutcracker does): write to a new file of the same name. */
export function reopenLogFile(logger: Logger): void {
  const destination = (logger as unknown as Record<symbol, { file?: string; reopen(): void }>)[pino.symbols.streamSym];
  if (destination?.file) destination.reopen();
}

/**
 * nutcracker's SIGTTIN ("up logging level") and SIGTTOU ("down logging
 * level"): one step more verbose (+1, towards trace) or less (-1, towards
 * fatal), never to silent.
 */
export function shiftedLevel(level: string, step: 1 | -1): LogLevel {
  const at = LOG_LEVELS.indexOf(level as LogLevel);
  const audible = LOG_LEVELS.length - 2;
  return LOG_LEVELS[Math.max(0, Math.min(audible, (at < 0 || at > audible ? 3 : at) + step))]!;
}
