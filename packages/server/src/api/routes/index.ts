import type { App } from '../app-context.js';
import { apiKeysRoutes } from './api-keys-routes.js';
import { contactsRoutes } from './contacts-routes.js';
import { entitiesRoutes } from './entities-routes.js';
import { eventsRoutes } from './events-routes.js';
import { messagesRoutes } from './messages-routes.js';
import { policiesRoutes } from './policies-routes.js';
import { providerSettingsRoutes } from './provider-settings-routes.js';
import { runsRoutes } from './runs-routes.js';
import { suppressionsRoutes } from './suppressions-routes.js';
import { templatePreviewRoutes } from './template-preview-routes.js';
import { templatesRoutes } from './templates-routes.js';
import { timelineRoutes } from './timeline-routes.js';
import { usageRoutes } from './usage-routes.js';

/** Every authenticated resource route, mounted under /api/v1. */
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
}
