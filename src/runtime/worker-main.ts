import { createLogger, reopenLogFile, type LogLevel } from '../log.ts';
import type { FromWorker, ToWorker } from './ipc.ts';
import { LocalWorkers } from './local-workers.ts';
import type { PreparedApply } from './runtime.ts';

/**
 * Entry of a forked worker process. It serves whatever config the supervisor
 * sends, answers metric collections, and drains on SIGTERM/SIGINT or when the
 * supervisor goes away, so no worker outlives its supervisor.
 */
const id = process.env.PADDA_WORKER_ID ?? '0';
const log = createLogger((process.env.PADDA_LOG_LEVEL as LogLevel | undefined) ?? 'info', { worker: Number(id) }, process.env.PADDA_LOG_FILE || undefined);
const local = new LocalWorkers(log, `worker-${id}`);
let prepared: PreparedApply | null = null;
let stopping: Promise<void> | null = null;

function send(message: FromWorker): void {
  if (process.connected) process.send!(message);
}

function shutdown(): Promise<void> {
  stopping ??= local.shutdown().then(() => {
    log.info('worker stopped');
    process.exit(0);
  });
  return stopping;
}

/** Runs one step and answers `done`, with the error's message if it failed. */
function answer(requestId: number, step: () => Promise<void>): void {
  step().then(
    () => send({ type: 'done', id: requestId }),
    (error: Error) => send({ type: 'done', id: requestId, error: error.message }),
  );
}

/** The prepared config the supervisor now commits or aborts; none if this worker started after the prepare. */
function takePrepared(): PreparedApply {
  const staged = prepared;
  prepared = null;
  if (!staged) throw new Error('nothing prepared');
  return staged;
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'apply':
      return answer(message.id, async () => (await local.prepare(message.config, false, message.taken)).commit());
    case 'prepare':
      return answer(message.id, async () => {
        await prepared?.abort();
        prepared = await local.prepare(message.config, true);
      });
    case 'commit':
      return answer(message.id, () => takePrepared().commit());
    case 'abort':
      return answer(message.id, async () => {
        if (prepared) await takePrepared().abort();
      });
    case 'claim':
      return answer(message.id, () => local.claim(message.address));
    case 'log':
      return answer(message.id, async () => {
        log.level = message.level;
        if (message.reopen) reopenLogFile(log);
        await local.adjustLog(message.level, message.reopen);
      });
    case 'collect':
      local.collect().then(([report]) => send({ type: 'report', id: message.id, report: report! }));
      return;
    case 'shutdown':
      void shutdown();
      return;
  }
});
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// Reloads arrive from the supervisor; a terminal hangup must not kill a worker.
process.on('SIGHUP', () => {});
// logrotate's signal may reach a worker too (killall -USR1): it reopens its logs, never opens Node's inspector.
process.on('SIGUSR1', () => {
  reopenLogFile(log);
  void local.adjustLog(log.level as LogLevel, true);
});
process.on('disconnect', () => void shutdown());
