import fs from 'node:fs';

/**
 * What must be undone however a drill ends (processes, a mount, a private cluster), so that
 * Ctrl-C or a crash of the runner leaves the machine as it was.
 */
const pending = new Set<() => Promise<unknown>>();

/** Registers `undo`; the function returned runs it once and forgets it. */
export function registerCleanup(undo: () => Promise<unknown>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    pending.delete(once);
    await undo();
  };
  pending.add(once);
  return once;
}

/** Runs every cleanup still registered, newest first; one failing does not stop the rest. */
export async function runAllCleanups(): Promise<void> {
  for (const undo of [...pending].reverse()) {
    await undo().catch((error) => {
      process.stderr.write(`drills: cleanup failed: ${String(error)}\n`);
    });
  }
}

/**
 * SIGKILLs this process's own children still running, found by their parent id in /proc: a
 * child spawned while the cleanups ran (a server still starting) would otherwise outlive us.
 */
export function killOwnChildren(): void {
  if (!fs.existsSync('/proc')) return;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  }
}
