import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { derivedKey } from '../domain/secret-box.js';
import { signUnsubscribeToken } from '../domain/unsubscribe-token.js';
import { createProvider } from '../providers/create-provider.js';
import type { EmailProvider } from '../providers/email-provider.js';
import type { Database } from '../store/database.js';
import type { MessageRow } from '../store/messages-store.js';
import {
  findProviderSettingsRow,
  markNeedsAttention,
  openProviderSettings,
  type ProviderSettings,
} from '../store/provider-settings-store.js';
import type { DeliveryRoute, RouteFor } from './deliver-message.js';
import { outboxRoute } from './outbox-route.js';

/** Thrown while an account's provider refuses its credentials: the message waits and retries. */
export class ProviderNeedsAttentionError extends Error {
  override name = 'ProviderNeedsAttentionError';
}

interface CachedProvider {
  version: number;
  provider: EmailProvider;
}

/**
 * Routes live messages through the account's own provider. Providers are kept per account
 * (one keep-alive pool each) and rebuilt when the settings change; test-mode messages and
 * accounts without a provider go to the outbox.
 */
export function createRouteFor(options: {
  db: Kysely<Database>;
  config: Config;
  masterKey: Buffer;
  logger: Logger;
}): { routeFor: RouteFor; close(): Promise<void> } {
  const providers = new Map<string, CachedProvider>();
  const unsubscribeKey = derivedKey(options.masterKey, 'unsubscribe');

  const providerOf = (settings: ProviderSettings): EmailProvider => {
    const cached = providers.get(settings.account_id);
    if (cached && cached.version === settings.updated_at) return cached.provider;
    // Swap before closing, with no await between: a concurrent delivery never builds a
    // second provider, and none waits while the old pool finishes its requests in flight.
    const provider = createProvider(settings, options.config);
    providers.set(settings.account_id, { version: settings.updated_at, provider });
    if (cached) void cached.provider.close().catch(() => {});
    return provider;
  };

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
    const row = await findProviderSettingsRow(options.db, message.account_id);
    if (!row || row.provider === 'outbox') return outboxRoute;
    if (row.status === 'needs_attention') {
      throw new ProviderNeedsAttentionError(
        `the ${row.provider} settings need attention: ${row.status_detail ?? ''}`,
      );
    }

    const settings = openProviderSettings(options.masterKey, row);
    const route: DeliveryRoute = {
      provider: providerOf(settings),
      from: { email: settings.from_email ?? '', name: settings.from_name },
      replyTo: settings.reply_to,
      headersFor: headersFor(settings),
      credentialsRejected: async (error) => {
        options.logger.warn(
          { accountId: message.account_id, provider: row.provider },
          'provider refused the credentials',
        );
        await markNeedsAttention(options.db, message.account_id, error, settings.updated_at);
      },
    };
    return route;
  };

  return {
    routeFor,
    close: async () => {
      await Promise.all([...providers.values()].map((cached) => cached.provider.close()));
      providers.clear();
    },
  };
}
