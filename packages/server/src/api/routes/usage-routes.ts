import type { App } from '../app-context.js';

export async function usageRoutes(_app: App): Promise<void> {}
