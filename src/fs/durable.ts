/**
 * Making a finished temp file durable before it is renamed into place: without the fsync, a crash soon after the
 * rename could leave a zero-length or partly written file at the output path, which the contract forbids.
 *
 * The fsync is started as soon as the last byte is written and awaited only just before the rename, so the disk
 * flush (mostly waiting for the device, in libuv's thread pool) overlaps the signature checks on the main thread
 * instead of adding to the wall time after them.
 */
import { open } from 'node:fs/promises';

/** A sync in flight. `done()` resolves once the data is on disk, or rejects with the error. Never an unhandled rejection. */
export interface PendingSync {
  done(): Promise<void>;
}

export function startSync(path: string): PendingSync {
  const result = (async (): Promise<void> => {
    // 'r+', not 'r': some platforms (Windows) can only flush a handle opened for writing.
    const fh = await open(path, 'r+');
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
