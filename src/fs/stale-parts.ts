/**
 * Partial downloads left behind by a process that could not clean up (SIGKILL, power loss).
 *
 * A download's temp file records its owner in its name:
 *   .electrum-verify-<16 hex random>.p<pid>.h<16 hex host id>.part
 * where the host id is the first 64 bits of SHA-256 over os.hostname(). At the start of a download, the output
 * folder (only that folder, not below it) is swept: a file is removed only when ALL of these hold —
 *   - its name fits that pattern exactly (older `.electrum-verify-<hex>.part` names record no owner: kept);
 *   - it is a regular file (never a symlink, directory, FIFO, …) owned by this user;
 *   - it was last modified more than a day ago (a running download writes to it all the time);
 *   - its host id is this host's, and no process with its PID is running here (a reused PID keeps it: fail safe).
 * Just before unlinking, the entry is looked up again and must still be the same file (device, inode, mtime).
 * The sweep never throws and never delays a download by more than one readdir and a few lstats.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

const PART_RE = /^\.electrum-verify-([0-9a-f]{16})\.p([1-9][0-9]{0,9})\.h([0-9a-f]{16})\.part$/;

/** 16 hex characters naming a host (SHA-256 of its name, truncated). */
export function hostId(name: string = hostname()): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
}

/** A fresh temp-file name for a download by this process on this host. */
export function partFileName(pid: number = process.pid, host: string = hostname()): string {
  return `.electrum-verify-${randomBytes(8).toString('hex')}.p${pid}.h${hostId(host)}.part`;
}

/** The owner recorded in a temp-file name, or null when the name is not one of ours (with an owner). */
export function parsePartFileName(name: string): { pid: number; hostId: string } | null {
  const m = PART_RE.exec(name);
  if (m === null) return null;
  const pid = Number(m[2]);
  if (!Number.isSafeInteger(pid) || pid < 1) return null;
  return { pid, hostId: m[3] as string };
}

/** True unless the system says no process has this PID (ESRCH). Any doubt (EPERM: someone else's) → running. */
export function pidRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 1) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface SweepOptions {
  /** Clock (ms since the epoch); default Date.now(). */
  now?: number;
  /** This host's name; default os.hostname(). */
  hostname?: string;
}

/**
 * Remove stale partial downloads of ours in `dir` (see the module comment for the rules). Returns the paths
 * removed. Never throws: a folder that cannot be read, or a file that cannot be removed, is left as it is.
 */
export async function sweepStaleParts(dir: string, options: SweepOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  const now = options.now ?? Date.now();
  const here = hostId(options.hostname ?? hostname());
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  for (const name of names) {
    const owner = parsePartFileName(name);
    if (owner === null || owner.hostId !== here) continue;
    const path = join(dir, name);
    try {
      const info = await lstat(path);
      if (!info.isFile()) continue;
      if (uid !== null && info.uid !== uid) continue;
      if (!(now - info.mtimeMs > STALE_AFTER_MS)) continue;
      if (pidRunning(owner.pid)) continue;
      const again = await lstat(path);
      if (!again.isFile() || again.dev !== info.dev || again.ino !== info.ino || again.mtimeMs !== info.mtimeMs)
        continue;
      await unlink(path);
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}
