import type { App } from '../app-context.js';

export async function contactsRoutes(_app: App): Promise<void> {}
