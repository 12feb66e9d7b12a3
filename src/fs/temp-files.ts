/**
 * Temporary files that must not outlive the process: partial downloads and unverified data.
 * Callers remove their own files on every path (`discard`); what is still registered when the process ends
 * early (Ctrl-C, SIGTERM) is removed by the CLI with `removeTrackedFilesSync()`: library code installs no
 * signal or exit handlers.
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const live = new Set<string>();

/** Remove every tracked file now (synchronously: safe in an 'exit' listener or right before process.exit). */
export function removeTrackedFilesSync(): number {
  const count = live.size;
  for (const path of live) {
    try {
      rmSync(path, { force: true });
    } catch {
      // best effort: nothing else can be done while exiting
    }
  }
  live.clear();
  return count;
}

/** Track `path` for removal until `release` or `discard` is called. */
export function track(path: string): void {
  live.add(path);
}

/** Stop tracking `path` (it was renamed into place, or handed to the caller). */
export function release(path: string): void {
  live.delete(path);
}

/** Remove `path` now and stop tracking it. Never throws. */
export async function discard(path: string): Promise<void> {
  live.delete(path);
  await rm(path, { force: true }).catch(() => undefined);
}
