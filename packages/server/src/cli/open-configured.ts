import type { Logger } from 'pino';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { checkMasterKey, loadMasterKey, MasterKeyError } from '../store/master-key.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../store/open-database.js';

/**
 * What every long-running command starts with: the configuration (a bad one ends the
 * process with a message naming the variable), the logger, and the migrated database.
 */
export async function openConfigured(): Promise<{
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  masterKey: Buffer;
}> {
  let config: Config;
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
  try {
    const masterKey = loadMasterKey(config.secretKey, config.dataDir);
    await checkMasterKey(database.db, masterKey);
    return { config, logger, database, masterKey };
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    logger.fatal({ err: error }, error.message);
    await database.close();
    process.exit(2);
  }
}
