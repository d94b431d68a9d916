import type { App } from '../app-context.js';
import { accountsRoutes } from './accounts-routes.js';
import { apiKeysRoutes } from './api-keys-routes.js';
import { authRoutes } from './auth-routes.js';
import { contactsRoutes } from './contacts-routes.js';
import { entitiesRoutes } from './entities-routes.js';
import { eventsRoutes } from './events-routes.js';
import { membersRoutes } from './members-routes.js';
import { messagesRoutes } from './messages-routes.js';
import { policiesRoutes } from './policies-routes.js';
import { providerSettingsRoutes } from './provider-settings-routes.js';
import { runsRoutes } from './runs-routes.js';
import { suppressionsRoutes } from './suppressions-routes.js';
import { templatePreviewRoutes } from './template-preview-routes.js';
import { templatesRoutes } from './templates-routes.js';
import { timelineRoutes } from './timeline-routes.js';
import { usageRoutes } from './usage-routes.js';

/** Every route under /api/v1: resources, and the console's sign-in, accounts and members. */
export async function apiRoutes(app: App): Promise<void> {
  await entitiesRoutes(app);
  await timelineRoutes(app);
  await contactsRoutes(app);
  await templatesRoutes(app);
  await templatePreviewRoutes(app);
  await policiesRoutes(app);
  await eventsRoutes(app);
  await runsRoutes(app);
  await messagesRoutes(app);
  await suppressionsRoutes(app);
  await providerSettingsRoutes(app);
  await apiKeysRoutes(app);
  await usageRoutes(app);
  await authRoutes(app);
  await accountsRoutes(app);
  await membersRoutes(app);
}
