import type { App } from '../app-context.js';

export async function apiKeysRoutes(_app: App): Promise<void> {}
