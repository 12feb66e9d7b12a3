/**
 * Temporary files that must not outlive the process: partial downloads and unverified data.
 * Everything registered here is removed on normal exit, on error paths (callers call `discard`)
 * and on SIGINT/SIGTERM/SIGHUP (exit 130 / 143 / 129).
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const live = new Set<string>();
let hooked = false;

function removeAllSync(): void {
  for (const path of live) {
    try {
      rmSync(path, { force: true });
    } catch {
      // best effort: nothing else can be done while exiting
    }
  }
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAllSync);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      removeAllSync();
      process.stderr.write(`\nelectrum-verify: interrupted (${signal}); temporary files removed.\n`);
      process.exit(code);
    });
  }
}

/** Track `path` for removal until `release` or `discard` is called. */
export function track(path: string): void {
  hook();
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
