import type { Logger } from 'pino';
import type { DatabaseHandle } from '../store/open-database.js';
import { PostgresWakeListener } from './postgres-wake-listener.js';
import { Worker } from './worker.js';

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * Starts a worker on the database, and on PostgreSQL a listener that wakes it when another
 * process announces work. SQLite has one server process, whose API wakes its worker directly.
 */
export async function startWorker(
  database: DatabaseHandle,
  databaseUrl: string | undefined,
  logger: Logger,
): Promise<RunningWorker> {
  const worker = new Worker({ db: database.db, logger });
  const listener =
    database.dialect === 'postgres' && databaseUrl
      ? new PostgresWakeListener(databaseUrl, () => worker.wake(), logger)
      : null;
  worker.start();
  await listener?.start();

  return {
    worker,
    stop: async () => {
      await listener?.stop();
      await worker.stop();
    },
  };
}
