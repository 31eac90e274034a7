import path from 'node:path';
import { daemonize, shouldDaemonize, writePidFile } from './cli/daemon.ts';
import { levelOfVerbosity, parseCommandLine, statsListen, type CommandLine } from './cli/options.ts';
import { USAGE } from './cli/usage.ts';
import { ConfigError, formatProblem } from './config/problems.ts';
import type { PaddaConfig } from './config/schema.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from './log.ts';
import { readConfigApart } from './runtime/config-loader.ts';
import { Supervisor } from './runtime/supervisor.ts';
import { VERSION } from './version.ts';

const EXIT_USAGE = 64;
const EXIT_CONFIG = 2;

function fail(message: string, code: number): never {
  process.stderr.write(`padda: ${message}\n`);
  process.exit(code);
}

function configFile(option: string | undefined): string {
  const file = option ?? process.env.PADDA_CONFIG;
  if (!file) fail('no config file: pass --config FILE (-c FILE) or set PADDA_CONFIG', EXIT_USAGE);
  return file;
}

function reportConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) process.stderr.write(`${formatProblem(problem)}\n`);
  process.stderr.write(`padda: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} in config\n`);
  process.exit(EXIT_CONFIG);
}

/** The config for a one-shot command, read in this process; exits 2 listing the problems. */
async function readConfig(file: string): Promise<PaddaConfig> {
  const { loadPaddaConfig } = await import('./cli/config.ts');
  try {
    return loadPaddaConfig(file);
  } catch (error) {
    reportConfigError(error);
  }
}

function logLevelOverride(): LogLevel | undefined {
  const level = process.env.PADDA_LOG_LEVEL;
  if (level === undefined || level === '') return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) fail(`PADDA_LOG_LEVEL="${level}" is not one of ${LOG_LEVELS.join(', ')}`, EXIT_USAGE);
  return level as LogLevel;
}

async function run(file: string, pidFile: string | undefined): Promise<void> {
  const override = logLevelOverride();
  const logFile = process.env.PADDA_LOG_FILE || undefined;
  const log = createLogger(override ?? 'info', {}, logFile);
  const supervisor = new Supervisor({ file, load: readConfigApart, log, ...(override ? { logLevelOverride: override } : {}) });
  // logrotate's convention (nginx's too): SIGUSR1 reopens the log files, the access and slow logs included,
  // without a reload. Set before the start: a listener for it is what keeps Node from opening its inspector.
  process.on('SIGUSR1', () => void supervisor.reopenLogs());
  try {
    await supervisor.start();
  } catch (error) {
    reportConfigError(error);
  }
  // As nutcracker under logrotate: SIGHUP reopens the log file (and, padda's own, reloads the config:
  // an unchanged one reloads to nothing); SIGTTIN and SIGTTOU make logging more and less verbose.
  process.on('SIGHUP', () => {
    void supervisor.reopenLogs();
    supervisor.reload('SIGHUP');
  });
  process.on('SIGTTIN', () => void supervisor.shiftLogLevel(1, 'SIGTTIN'));
  process.on('SIGTTOU', () => void supervisor.shiftLogLevel(-1, 'SIGTTOU'));
  // bin/padda, under an older Node, runs this under the pinned one with an IPC channel: if that
  // parent dies, even by SIGKILL, the channel closes, and padda stops rather than linger unowned.
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => void supervisor.stop('parent exited').then(() => process.exit(0)));
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void supervisor.stop(signal).then(() => process.exit(0)));
  }
  if (pidFile !== undefined) writePidFile(pidFile);
  printSummary(supervisor);
  process.on('uncaughtException', (error) => {
    // One bad connection must never take the daemon down; log loudly and carry on.
    log.fatal({ err: error.stack ?? error.message }, 'uncaught exception');
  });
}

/** A human-readable pointer on stderr; stdout stays pure JSON logs. */
function printSummary(supervisor: Supervisor): void {
  const lines = supervisor.listeners().map(({ name, mode, listen, tlsCert }) => {
    const [host, port] = [listen.replace(/:\d+$/, ''), listen.replace(/^.*:/, '')];
    const hints: Record<string, string> = {
      tcp: `curl http://${listen}/  (layer 4: if its upstreams speak HTTP)`,
      redis: `redis-cli -h ${host} -p ${port} ping`,
      memcache: `printf 'version\\r\\n' | nc ${host} ${port}`,
    };
    const hint = tlsCert ? `curl --cacert ${tlsCert} https://${listen}/` : hints[mode] ?? `curl http://${listen}/`;
    return `  ${name.padEnd(14)} ${mode.padEnd(14)} ${listen.padEnd(22)} try: ${hint}`;
  });
  const admin = supervisor.adminAddress();
  process.stderr.write(`padda ${VERSION} serving:\n${lines.join('\n')}\n  admin: curl http://${admin}/ready  http://${admin}/metrics  http://${admin}/stats\n`);
}

/** `padda schema | head`: a reader that stops early is no error, as for cat or grep. */
function closedPipeEndsQuietly(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

/**
 * nutcracker's flags, applied through the environment so that forked workers
 * and the config reader see them too: -o the log file, -v the verbosity,
 * -s/-a the twemproxy stats port. -i (stats aggregation interval) and -m
 * (mbuf size) are accepted and change nothing: padda's stats are live and its
 * buffers are sized per connection.
 */
function applyNutcrackerFlags(values: CommandLine['values']): void {
  const logFile = values.output ?? values['log-file'];
  if (logFile !== undefined) process.env.PADDA_LOG_FILE = path.resolve(logFile);
  if (values.verbose !== undefined) {
    const level = levelOfVerbosity(values.verbose);
    if (!(LOG_LEVELS as readonly string[]).includes(level)) fail(level, EXIT_USAGE);
    process.env.PADDA_LOG_LEVEL = level;
  }
  const stats = statsListen(values['stats-port'], values['stats-addr']);
  if (stats !== undefined) process.env.PADDA_STATS_LISTEN = stats;
}

async function main(argv: string[]): Promise<void> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, EXIT_USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`padda ${VERSION}\n`);
  applyNutcrackerFlags(values);
  const config = values.config ?? values['conf-file'];
  const [command = values['test-conf'] ? 'check' : 'run', ...rest] = positionals;
  if (command !== 'run' && command !== 'demo') closedPipeEndsQuietly();
  if (rest.length > 0 && command !== 'route') fail(`unexpected argument "${rest[0]}"\n\n${USAGE}`, EXIT_USAGE);
  switch (command) {
    case 'run': {
      const file = configFile(config);
      if (shouldDaemonize(values.daemonize)) {
        await readConfig(file);
        daemonize();
      }
      return run(file, values['pid-file'] === undefined ? undefined : path.resolve(values['pid-file']));
    }
    case 'demo': {
      const file = config ?? new URL('../config/demo.yaml', import.meta.url).pathname;
      const demoConfig = await readConfigApart(file).catch(reportConfigError);
      const { startDemoBackends } = await import('./cli/demo.ts');
      const backends = startDemoBackends(demoConfig, path.resolve('.padda/demo'));
      if (backends.started.length > 0) process.stderr.write(`demo backends: ${backends.started.join(', ')}\n`);
      if (backends.missing.length > 0) process.stderr.write(`not installed (their demo listeners will answer errors): ${backends.missing.join(', ')}\n`);
      return run(file, undefined);
    }
    case 'check': {
      const file = configFile(config);
      const checked = await readConfig(file);
      // -t, as nutcracker -t: only the verdict.
      if (values['test-conf']) return void process.stderr.write(`padda: configuration file '${file}' syntax is ok\n`);
      const [{ stringify }, { displayConfig }] = await Promise.all([import('yaml'), import('./config/display.ts')]);
      process.stdout.write(stringify(displayConfig(checked)));
      process.stderr.write(`${file}: ok\n`);
      return;
    }
    case 'route': {
      const routed = await readConfig(configFile(config));
      const { route } = await import('./cli/route.ts');
      process.exitCode = await route(routed, rest, { ...(values.listener ? { listener: values.listener } : {}), json: values.json === true });
      return;
    }
    case 'load': {
      const loaded = await readConfig(configFile(config));
      const durationSeconds = Number(/^(\d+)s?$/.exec(values.duration)?.[1]);
      const [connections, pipelining] = [Number(values.connections), Number(values.pipelining)];
      if (!(durationSeconds > 0 && connections > 0 && pipelining > 0)) fail('--duration (seconds, e.g. 10s), --connections and --pipelining are positive numbers', EXIT_USAGE);
      const { load } = await import('./cli/load.ts');
      process.exitCode = await load(loaded, { ...(values.listener ? { listener: values.listener } : {}), durationSeconds, connections, pipelining, path: values.path });
      return;
    }
    case 'schema': {
      const [{ configJsonSchema }, { configSchema }] = await Promise.all([import('./config/json-schema.ts'), import('./cli/config.ts')]);
      return void process.stdout.write(JSON.stringify(configJsonSchema(configSchema), null, 2) + '\n');
    }
    case 'version':
      return void process.stdout.write(`padda ${VERSION}\n`);
    case 'help':
      return void process.stdout.write(USAGE);
    default:
      fail(`unknown command "${command}"\n\n${USAGE}`, EXIT_USAGE);
  }
}

await main(process.argv.slice(2));
