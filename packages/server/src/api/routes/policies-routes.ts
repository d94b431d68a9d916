import type { App } from '../app-context.js';

export async function policiesRoutes(_app: App): Promise<void> {}
