import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { derivedKey } from '../domain/secret-box.js';
import { signUnsubscribeToken } from '../domain/unsubscribe-token.js';
import { createProvider } from '../providers/create-provider.js';
import { BatchPerTurn } from '../store/batch-per-turn.js';
import type { Database } from '../store/database.js';
import type { MessageRow } from '../store/messages-store.js';
import {
  findProviderSettingsRows,
  markNeedsAttention,
  openProviderSettings,
  type ProviderSettings,
  type ProviderSettingsRow,
} from '../store/provider-settings-store.js';
import type { DeliveryRoute, RouteFor } from './deliver-message.js';
import { outboxRoute } from './outbox-route.js';

/** Thrown while an account's provider refuses its credentials: the message waits and retries. */
export class ProviderNeedsAttentionError extends Error {
  override name = 'ProviderNeedsAttentionError';
}

interface CachedRoute {
  /** The settings row's `updated_at`: every save changes it. */
  version: number;
  route: DeliveryRoute;
}

/**
 * Routes live messages through the account's own provider. The settings are read for every
 * delivery, so a change applies to the next message, but the messages that start in one
 * turn of the event loop share one read. The opened route (secrets decrypted, one
 * keep-alive pool) is kept per account and rebuilt when the settings change; test-mode
 * messages and accounts without a provider go to the outbox.
 */
export function createRouteFor(options: {
  db: Kysely<Database>;
  config: Config;
  masterKey: Buffer;
  logger: Logger;
}): { routeFor: RouteFor; close(): Promise<void> } {
  const routes = new Map<string, CachedRoute>();
  const unsubscribeKey = derivedKey(options.masterKey, 'unsubscribe');
  const settingsRows = new BatchPerTurn<string, ProviderSettingsRow | undefined>(
    async (accountIds) => {
      const rows = await findProviderSettingsRows(options.db, [...new Set(accountIds)]);
      const byAccount = new Map(rows.map((row) => [row.account_id, row]));
      return accountIds.map((accountId) => byAccount.get(accountId));
    },
  );

  const openRoute = (row: ProviderSettingsRow): DeliveryRoute => {
    const cached = routes.get(row.account_id);
    if (cached && cached.version === row.updated_at) return cached.route;
    const settings = openProviderSettings(options.masterKey, row);
    const route = routeOf(settings);
    // Swap before closing, with no await between: a concurrent delivery never builds a
    // second provider, and none waits while the old pool finishes its requests in flight.
    routes.set(row.account_id, { version: row.updated_at, route });
    if (cached) void cached.route.provider.close().catch(() => {});
    return route;
  };

  const routeOf = (settings: ProviderSettings): DeliveryRoute => ({
    provider: createProvider(settings, options.config),
    from: { email: settings.from_email ?? '', name: settings.from_name },
    replyTo: settings.reply_to,
    headersFor: headersFor(settings),
    credentialsRejected: async (error) => {
      options.logger.warn(
        { accountId: settings.account_id, provider: settings.provider },
        'provider refused the credentials',
      );
      await markNeedsAttention(options.db, settings.account_id, error, settings.updated_at);
    },
  });

  const headersFor = (settings: ProviderSettings) => (message: MessageRow) => {
    const token = signUnsubscribeToken(unsubscribeKey, {
      accountId: message.account_id,
      email: message.to_email,
    });
    const links = [`<${options.config.publicUrl}/unsubscribe/${token}>`];
    if (settings.unsubscribe_mailto) {
      links.push(`<mailto:${settings.unsubscribe_mailto}?subject=unsubscribe>`);
    }
    // RFC 8058: the https link plus this header make a one-click unsubscribe.
    return {
      'List-Unsubscribe': links.join(', '),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
  };

  const routeFor: RouteFor = async (message) => {
    if (message.livemode === 0 || message.provider === 'outbox') return outboxRoute;
    const row = await settingsRows.call(message.account_id);
    if (!row || row.provider === 'outbox') return outboxRoute;
    if (row.status === 'needs_attention') {
      throw new ProviderNeedsAttentionError(
        `the ${row.provider} settings need attention: ${row.status_detail ?? ''}`,
      );
    }
    return openRoute(row);
  };

  return {
    routeFor,
    close: async () => {
      await Promise.all([...routes.values()].map((cached) => cached.route.provider.close()));
      routes.clear();
    },
  };
}
