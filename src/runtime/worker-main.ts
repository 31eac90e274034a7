import { createLogger, type LogLevel } from '../log.ts';
import type { FromWorker, ToWorker } from './ipc.ts';
import { LocalWorkers } from './local-workers.ts';

/**
 * Entry of a forked worker process. It serves whatever config the supervisor
 * sends, answers metric collections, and drains on SIGTERM/SIGINT or when the
 * supervisor goes away, so no worker outlives its supervisor.
 */
const id = process.env.PADDA_WORKER_ID ?? '0';
const log = createLogger((process.env.PADDA_LOG_LEVEL as LogLevel | undefined) ?? 'info', { worker: Number(id) });
const local = new LocalWorkers(log, `worker-${id}`);
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

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'apply':
      local.apply(message.config).then(
        () => send({ type: 'applied', id: message.id }),
        (error: Error) => send({ type: 'applied', id: message.id, error: error.message }),
      );
      break;
    case 'collect':
      local.collect().then(([report]) => send({ type: 'report', id: message.id, report: report! }));
      break;
    case 'shutdown':
      void shutdown();
      break;
  }
});
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// Reloads arrive from the supervisor; a terminal hangup must not kill a worker.
process.on('SIGHUP', () => {});
process.on('disconnect', () => void shutdown());
