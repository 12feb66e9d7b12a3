/**
 * Making a finished temp file durable before it is renamed into place: without the fsync, a crash soon after the
 * rename could leave a zero-length or partly written file at the output path, which the contract forbids.
 *
 * The fsync is started on the download's own handle as soon as the last byte is written (the same descriptor, so
 * no write-back error can be missed between a close and a reopen), and awaited only once the signatures have been
 * checked: the disk flush (mostly waiting for the device, in libuv's thread pool) overlaps them instead of adding
 * to the wall time after them. The handle stays open until the caller decides:
 *   finish(mode)  the file verified: wait for the fsync, give it its final mode THROUGH THE HANDLE (never by path,
 *                 which another user of a shared folder could have swapped for a symlink), close;
 *   abandon()     the file is being discarded: close, whatever happened.
 */
import type { FileHandle } from 'node:fs/promises';

/** chmod errors that only mean "this file system has no Unix modes": the file then keeps the mode it has. */
const NO_MODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

export interface PendingSync {
  /** Wait for the fsync, set `mode` on the file, close it. Rejects with a sync, chmod or close error. */
  finish(mode: number): Promise<void>;
  /** Close the handle (the file is being discarded). Never rejects. */
  abandon(): Promise<void>;
}

/** Start syncing `fh`; it belongs to the returned PendingSync from now on. Never an unhandled rejection. */
export function startSync(fh: FileHandle): PendingSync {
  const synced = fh.sync().then(
    () => null,
    (e: unknown) => e ?? new Error('sync failed'),
  );
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= fh.close());
  return {
    async finish(mode) {
      try {
        const e = await synced;
        if (e !== null) throw e;
        await fh.chmod(mode).catch((err: NodeJS.ErrnoException) => {
          if (!NO_MODES.has(err.code ?? '')) throw err;
        });
      } finally {
        await close();
      }
    },
    async abandon() {
      await synced;
      await close().catch(() => undefined);
    },
  };
}
