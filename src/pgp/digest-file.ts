/**
 * Feeding a local file to a DataHasher with flat memory: two reused buffers, the next read in flight while
 * the current chunk is hashed. (A `createReadStream` allocates a fresh buffer per chunk; V8 collects those
 * late, which costs tens of MB of RSS on a large file.) DataHasher.update() never keeps the chunk it is
 * given, so reusing the buffer is safe.
 */
import { open } from 'node:fs/promises';
import type { DataHasher } from './data-digest.js';

export const FILE_CHUNK = 1024 * 1024;

export async function digestFile(path: string, hasher: Pick<DataHasher, 'update'>, chunkBytes = FILE_CHUNK): Promise<void> {
  const fh = await open(path, 'r');
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    let current = Buffer.allocUnsafeSlow(chunkBytes);
    let next = Buffer.allocUnsafeSlow(chunkBytes);
    let position = 0;
    pending = fh.read(current, 0, chunkBytes, position);
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) break;
      position += bytesRead;
      pending = fh.read(next, 0, chunkBytes, position);
      hasher.update(current.subarray(0, bytesRead));
      [current, next] = [next, current];
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
    await fh.close();
  }
}
