import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from '../store/open-database.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('Bring the database schema up to date (serve also does this on start)')
    .action(async () => {
      const config = loadConfig();
      const database = openDatabase(config);
      try {
        const applied = await migrateToLatest(database.db);
        const list = applied.length ? applied.join(', ') : 'none, already up to date';
        process.stdout.write(
          `Migrations applied on ${database.dialect} (${database.location}): ${list}\n`,
        );
      } finally {
        await database.close();
      }
    });
}
