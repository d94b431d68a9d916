#!/usr/bin/env node
// `npm start` runs this first: it builds the server (incremental, quick when nothing changed)
// and the console only when its sources are newer than its last build, with progress on
// standard error so a first start does not look stuck.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (args, cwd = root) =>
  execFileSync(process.execPath, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

process.stderr.write('emivoy: building the server…\n');
run([path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/server']);

const consoleDir = path.join(root, 'packages/console');
const built = path.join(consoleDir, 'dist/index.html');
const sources = [path.join(consoleDir, 'src'), path.join(consoleDir, 'index.html')].filter((p) =>
  fs.existsSync(p),
);
const stale =
  !fs.existsSync(built) ||
  sources.some((source) => {
    const time = fs.statSync(source).isDirectory()
      ? newestMtime(source)
      : fs.statSync(source).mtimeMs;
    return time > fs.statSync(built).mtimeMs;
  });
if (fs.existsSync(path.join(consoleDir, 'src')) && stale) {
  process.stderr.write('emivoy: building the console (first start only, about half a minute)…\n');
  run(
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    consoleDir,
  );
}
