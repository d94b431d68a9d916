import type { App } from '../app-context.js';
import { apiKeysRoutes } from './api-keys-routes.js';
import { contactsRoutes } from './contacts-routes.js';
import { entitiesRoutes } from './entities-routes.js';
import { eventsRoutes } from './events-routes.js';
import { policiesRoutes } from './policies-routes.js';
import { templatesRoutes } from './templates-routes.js';
import { usageRoutes } from './usage-routes.js';

/** Every authenticated resource route, mounted under /api/v1. */
export async function apiRoutes(app: App): Promise<void> {
  await entitiesRoutes(app);
  await contactsRoutes(app);
  await templatesRoutes(app);
  await policiesRoutes(app);
  await eventsRoutes(app);
  await apiKeysRoutes(app);
  await usageRoutes(app);
}
