import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { registerCleanup } from './cleanup.js';

const run = promisify(execFile);

/** A small tmpfs mounted for a drill: a disk that fills up in seconds. */
export interface TmpfsMount {
  dir: string;
  /** Unmounts it and removes the mount point (also done on Ctrl-C). */
  remove(): Promise<void>;
}

/**
 * Mounts a tmpfs of `size` (`8m`) on a new directory. Needs root; throws with mount's own
 * message when it cannot, which the drill reports as its reason to skip.
 */
export async function mountTmpfs(size: string): Promise<TmpfsMount> {
  if (process.getuid?.() !== 0) throw new Error('mounting a tmpfs needs root');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-drill-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  } catch (error) {
    fs.rmdirSync(dir);
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`mount -t tmpfs failed: ${stderr || (error as Error).message}`);
  }
  const remove = registerCleanup(async () => {
    // Lazy, so that a process that has not quite let go cannot keep it mounted.
    await run('umount', ['-l', dir]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, remove };
}
