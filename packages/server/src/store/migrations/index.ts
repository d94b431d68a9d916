import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as engine from './0002-engine.js';
import * as delivery from './0003-delivery.js';
import * as consoleAuth from './0004-console-auth.js';
import * as runsEventIndex from './0005-runs-event-index.js';
import * as policyVersionsAccount from './0006-policy-versions-account.js';
import * as runsShortKeys from './0007-runs-short-keys.js';
import * as postgresLeaseFunctions from './0008-postgres-lease-functions.js';

/**
 * Every migration, in order. They are forward-only: a deployed migration is never edited,
 * a change is a new file. Listed statically so the compiled program needs no file scanning.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-engine': engine,
  '0003-delivery': delivery,
  '0004-console-auth': consoleAuth,
  '0005-runs-event-index': runsEventIndex,
  '0006-policy-versions-account': policyVersionsAccount,
  '0007-runs-short-keys': runsShortKeys,
  '0008-postgres-lease-functions': postgresLeaseFunctions,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
