import { outboxProvider } from '../providers/outbox-provider.js';
import type { DeliveryRoute } from './deliver-message.js';

/** The outbox keeps messages; it needs no sender, since nothing leaves the server. */
export const outboxRoute: DeliveryRoute = {
  provider: outboxProvider,
  from: { email: 'outbox@emivoy.invalid', name: 'Emivoy outbox' },
  replyTo: null,
  headersFor: () => ({}),
};
