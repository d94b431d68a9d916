import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './app-context.js';
import type { NotFoundFallback } from './error-handler.js';

/** Paths the server answers itself: the console never shadows them, not even with a page. */
const serverPaths = [
  '/api',
  '/webhooks',
  '/unsubscribe',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/reference',
];

/** The built console beside this package, from the sources (tsx) and the build alike. */
export function defaultConsoleDir(): string {
  // src/api/ or dist/api/ → packages/server → packages/console/dist
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../console/dist');
}

export function isServerPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  return serverPaths.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** A browser navigating to one of the console's own routes (`/policies/pol_…`). */
function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (isServerPath(request.url)) return false;
  return String(request.headers.accept ?? '').includes('text/html');
}

/** The console's part of the server: its files, and the pages no file matches. */
export interface ConsoleSite {
  /** Whether the console was built when the server started. */
  built: boolean;
  /** For the not-found handler: a page URL no file matches gets index.html. */
  fallback: NotFoundFallback;
  /** Registers the files (or, unbuilt, the page saying how to build them) at `/`. */
  serve(app: App): Promise<void>;
}

/**
 * Serves the single-page console from `dir`, deep links included: a reload on
 * `/policies/pol_…` gets index.html. Whether it is built is read once, at start-up: a
 * console built later is served after a restart.
 */
export function consoleSite(dir: string): ConsoleSite {
  const built = fs.existsSync(path.join(dir, 'index.html'));
  const page = built ? sendIndex : sendNotBuilt;
  return {
    built,
    fallback: (request, reply) => (wantsPage(request) ? page(reply) : undefined),
    serve: async (app) => {
      if (!built) {
        app.get('/', { schema: { hide: true } }, async (_request, reply) => sendNotBuilt(reply));
        return;
      }
      await app.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        wildcard: true,
        allowedPath: (pathname) => !isServerPath(pathname),
        setHeaders: (reply, filePath) => {
          // Vite names built assets by content hash: they never change, index.html may.
          const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
          reply.header(
            'Cache-Control',
            hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    },
  };
}

function sendIndex(reply: FastifyReply): FastifyReply {
  reply.header('Cache-Control', 'no-cache');
  return reply.sendFile('index.html');
}

function sendNotBuilt(reply: FastifyReply): FastifyReply {
  return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(notBuilt);
}

const notBuilt = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Emivoy</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Emivoy is running</h1>
<p>The console has not been built yet. Build it, then restart the server:</p>
<pre>npm run build --workspace @emivoy/console</pre>
<p>The API works without it: see the <a href="/reference">API reference</a>.</p>
</body>
</html>
`;
