import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../store/open-database.js';
import { createRouteFor } from './delivery-routes.js';
import { PostgresWakeListener } from './postgres-wake-listener.js';
import { Worker } from './worker.js';

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * Starts a worker that delivers through each account's provider, and on PostgreSQL a
 * listener that wakes it when another process announces work. SQLite has one server
 * process, whose API wakes its worker directly.
 */
export async function startWorker(
  database: DatabaseHandle,
  config: Config,
  masterKey: Buffer,
  logger: Logger,
): Promise<RunningWorker> {
  const routes = createRouteFor({ db: database.db, config, masterKey, logger });
  const worker = new Worker({
    db: database.db,
    logger,
    leaseMs: config.workerLeaseMs,
    routeFor: routes.routeFor,
  });
  const listener =
    database.dialect === 'postgres' && config.databaseUrl
      ? new PostgresWakeListener(config.databaseUrl, () => worker.wake(), logger)
      : null;
  worker.start();
  await listener?.start();

  return {
    worker,
    stop: async () => {
      await listener?.stop();
      await worker.stop();
      await routes.close();
    },
  };
}
