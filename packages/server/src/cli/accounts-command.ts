import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.js';
import type { AccountRow } from '../store/accounts-store.js';
import {
  createAccount,
  effectiveEventLimit,
  findAccount,
  listAccounts,
  setMonthlyEventLimit,
} from '../store/accounts-store.js';
import { createApiKey } from '../store/api-keys-store.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../store/open-database.js';

/** Opens the same database the server uses, migrated, for one short command. */
async function withDatabase<T>(work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = openDatabase(loadConfig());
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** 'unlimited' stays a word: commander turns a parser's null into an empty string. */
function parseLimit(value: string): number | 'unlimited' {
  if (value === 'unlimited') return value;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InvalidArgumentError('expected a whole number ≥ 0 or "unlimited"');
  }
  return limit;
}

function describe(account: AccountRow, defaultLimit: number | null) {
  const limit = effectiveEventLimit(account, defaultLimit);
  return {
    account_id: account.id,
    name: account.name,
    monthly_event_limit: limit,
    created_at: new Date(account.created_at).toISOString(),
  };
}

export function accountsCommand(): Command {
  const accounts = new Command('accounts').description('Create and manage accounts (tenants)');

  accounts
    .command('create')
    .description('Create an account and a live API key for it')
    .requiredOption('--name <name>', 'the account name')
    .option('--json', 'print the account and key as JSON on standard output')
    .action(async (options: { name: string; json?: boolean }) => {
      const name = options.name.trim();
      if (!name) throw new InvalidArgumentError('--name must not be empty');

      await withDatabase(async ({ db }) => {
        const { account, key, secret } = await db.transaction().execute(async (trx) => {
          const account = await createAccount(trx, name);
          const { row, secret } = await createApiKey(trx, account.id, {
            name: 'Default key',
            mode: 'live',
          });
          return { account, key: row, secret };
        });
        if (options.json) {
          const output = {
            account: { account_id: account.id, name: account.name },
            api_key: { api_key_id: key.id, key: secret },
          };
          process.stdout.write(`${JSON.stringify(output)}\n`);
          return;
        }
        process.stdout.write(
          `Created account ${account.id} (${account.name}).\nAPI key ${key.id}: ${secret}\nKeep the key safe: it is shown only this once.\n`,
        );
      });
    });

  accounts
    .command('list')
    .description('List accounts')
    .option('--json', 'print JSON lines')
    .action(async (options: { json?: boolean }) => {
      const defaultLimit = loadConfig().monthlyEventLimit;
      await withDatabase(async ({ db }) => {
        for (const account of await listAccounts(db)) {
          const row = describe(account, defaultLimit);
          const line = options.json
            ? JSON.stringify(row)
            : `${row.account_id}  ${row.name}  limit=${row.monthly_event_limit ?? 'unlimited'}`;
          process.stdout.write(`${line}\n`);
        }
      });
    });

  accounts
    .command('update')
    .description("Change an account's plan")
    .argument('<account_id>', 'the account, acc_…')
    .requiredOption('--monthly-event-limit <n>', 'events a month, or "unlimited"', parseLimit)
    .option('--json', 'print the account as JSON')
    .action(
      async (
        accountId: string,
        options: { monthlyEventLimit: number | 'unlimited'; json?: boolean },
      ) => {
        const defaultLimit = loadConfig().monthlyEventLimit;
        await withDatabase(async ({ db }) => {
          if (!(await findAccount(db, accountId))) {
            process.stderr.write(`No account ${accountId}. List them with: emivoy accounts list\n`);
            process.exitCode = 1;
            return;
          }
          const limit = options.monthlyEventLimit;
          const account = await setMonthlyEventLimit(
            db,
            accountId,
            limit === 'unlimited' ? null : limit,
          );
          if (!account) return;
          const row = describe(account, defaultLimit);
          process.stdout.write(
            options.json
              ? `${JSON.stringify(row)}\n`
              : `${row.account_id} now allows ${row.monthly_event_limit ?? 'unlimited'} events a month\n`,
          );
        });
      },
    );

  return accounts;
}
