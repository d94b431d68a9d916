import type { App } from '../app-context.js';

export async function templatesRoutes(_app: App): Promise<void> {}
