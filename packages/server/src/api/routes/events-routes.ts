import type { App } from '../app-context.js';

export async function eventsRoutes(_app: App): Promise<void> {}
