/**
 * Making a finished temp file durable before it is renamed into place: without the fsync, a crash soon after the
 * rename could leave a zero-length or partly written file at the output path, which the contract forbids.
 *
 * The fsync is started on the download's own handle as soon as the last byte is written (the same descriptor,
 * so no write-back error can be missed between a close and a reopen), and awaited only just before the rename:
 * the disk flush (mostly waiting for the device, in libuv's thread pool) overlaps the signature checks instead
 * of adding to the wall time after them. The handle is closed when the sync ends, awaited or not.
 */
import type { FileHandle } from 'node:fs/promises';

/** A sync in flight. `done()` resolves once the data is on disk, or rejects with the error. Never an unhandled rejection. */
export interface PendingSync {
  done(): Promise<void>;
}

/** Sync `fh`, then close it (it belongs to the sync from now on). */
export function syncAndClose(fh: FileHandle): PendingSync {
  const result = (async (): Promise<void> => {
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  })().then(
    () => null,
    (e: unknown) => e ?? new Error('sync failed'),
  );
  return {
    async done() {
      const e = await result;
      if (e !== null) throw e;
    },
  };
}
