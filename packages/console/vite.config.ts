import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` sends API calls: a local `emivoy serve`. */
const apiTarget = process.env.EMIVOY_API_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/api': apiTarget,
      '/webhooks': apiTarget,
      '/unsubscribe': apiTarget,
    },
  },
});
