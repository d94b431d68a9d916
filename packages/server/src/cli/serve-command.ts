import { Command } from 'commander';
import { buildApp } from '../api/build-app.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { migrateToLatest, openDatabase } from '../store/open-database.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API (and, in later versions, the console and worker)')
    .action(async () => {
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`emivoy: ${error.message}\n`);
        process.exit(2);
      }
      const logger = createLogger(config.logLevel);
      const database = openDatabase(config);
      const applied = await migrateToLatest(database.db);
      logger.info(
        { database: database.dialect, location: database.location, migrationsApplied: applied },
        `database: ${database.dialect} at ${database.location}`,
      );

      const app = await buildApp({ config, database, logger });
      await app.listen({ port: config.port, host: config.host });

      const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
      logger.info(
        { url, openapi: `${url}/openapi.json`, reference: `${url}/reference` },
        `Emivoy API listening on ${url} (API reference at ${url}/reference)`,
      );
      logger.info(
        'create an account and API key with: npx emivoy accounts create --name "My company" (or npm run emivoy -- accounts create --name …)',
      );

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down: finishing requests in flight');
        await app.close();
        await database.close();
        logger.info('stopped');
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
}
