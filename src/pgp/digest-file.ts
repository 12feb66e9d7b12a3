/**
 * Feeding a local file to a DataHasher with flat memory: two reused buffers, the next read in flight while
 * the current chunk is hashed. (A `createReadStream` allocates a fresh buffer per chunk; V8 collects those
 * late, which costs tens of MB of RSS on a large file.) DataHasher.update() never keeps the chunk it is
 * given, so reusing the buffer is safe. The file is read from the handle the caller opened and checked
 * (src/fs/local-file.ts), never reopened by path.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { DataHasher } from './data-digest.js';

export const FILE_CHUNK = 1024 * 1024;

export interface DigestFileOptions {
  chunkBytes?: number;
  /** Bytes read so far, after each chunk. */
  onProgress?: (read: number) => void;
  /** Checked between chunks: an abort ends the read with the signal's reason. */
  signal?: AbortSignal;
}

export async function digestFile(
  source: FileHandle | string,
  hasher: Pick<DataHasher, 'update'>,
  options: DigestFileOptions | number = {},
): Promise<void> {
  const o: DigestFileOptions = typeof options === 'number' ? { chunkBytes: options } : options;
  const chunkBytes = o.chunkBytes ?? FILE_CHUNK;
  const owned = typeof source === 'string';
  const fh = owned ? await open(source, 'r') : source;
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    let current = Buffer.allocUnsafeSlow(chunkBytes);
    let next = Buffer.allocUnsafeSlow(chunkBytes);
    let position = 0;
    pending = fh.read(current, 0, chunkBytes, position);
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      o.signal?.throwIfAborted();
      if (bytesRead === 0) break;
      position += bytesRead;
      pending = fh.read(next, 0, chunkBytes, position);
      hasher.update(current.subarray(0, bytesRead));
      o.onProgress?.(position);
      [current, next] = [next, current];
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
    if (owned) await fh.close();
  }
}
