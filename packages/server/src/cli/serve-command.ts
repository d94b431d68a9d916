import { Command } from 'commander';
import { buildApp } from '../api/build-app.js';
import { defaultConsoleDir } from '../api/serve-console.js';
import { startWorker } from '../engine/start-worker.js';
import { onShutdown } from './on-shutdown.js';
import { openConfigured } from './open-configured.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API and the worker (npm start runs this)')
    .option('--no-worker', 'run the API alone; run workers with `emivoy worker`')
    .action(async (options: { worker: boolean }) => {
      const { config, logger, database, masterKey } = await openConfigured();
      const running = options.worker
        ? await startWorker(database, config, masterKey, logger)
        : null;

      const app = await buildApp({
        config,
        database,
        logger,
        masterKey,
        wakeWorker: (dueRunIds) => running?.worker.wake(dueRunIds),
        consoleDir: defaultConsoleDir(),
      });
      await app.listen({ port: config.port, host: config.host });

      const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
      logger.info(
        {
          url,
          openapi: `${url}/openapi.json`,
          reference: `${url}/reference`,
          worker: options.worker,
        },
        `Emivoy API listening on ${url} (API reference at ${url}/reference)`,
      );
      logger.info({ console: `${url}/` }, `Console: ${url}/`);
      if (!options.worker) logger.info('no worker in this process: run `emivoy worker` beside it');
      logger.info(
        { sendgridApiUrl: config.sendgridApiUrl, publicUrl: config.publicUrl },
        'providers: each account sends through its own SendGrid or SMTP settings ' +
          '(PUT /api/v1/settings/email-provider); until then, and for test keys, the outbox captures mail',
      );
      logger.info(
        'create an account and API key with: ./bin/emivoy accounts create --name "My company"',
      );

      onShutdown(logger, async () => {
        await app.close();
        await running?.stop();
        await database.close();
      });
    });
}
