import { Command } from 'commander';
import { startWorker } from '../engine/start-worker.js';
import { onShutdown } from './on-shutdown.js';
import { openConfigured } from './open-configured.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'Run a worker alone: it executes runs and delivers messages (PostgreSQL: run many)',
    )
    .action(async () => {
      const { config, logger, database, masterKey } = await openConfigured();
      if (database.dialect === 'sqlite') {
        logger.warn(
          'SQLite serves one process: prefer `emivoy serve`, whose worker shares its API',
        );
      }
      const running = await startWorker(database, config, masterKey, logger);
      onShutdown(logger, async () => {
        await running.stop();
        await database.close();
      });
    });
}
