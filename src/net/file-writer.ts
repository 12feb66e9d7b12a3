/**
 * Writes a download to its temp file without making the network wait for the disk: chunks are gathered
 * and written with one writev per ~1 MiB, one write in flight at a time, while the next chunks arrive.
 * Memory is bounded: push() waits for the disk once MAX_PENDING bytes are queued.
 *
 * The disk flush runs while the download goes on: an fdatasync after every SYNC_EVERY bytes (one at a time, not
 * waited for by the writes), so the final fsync (fs/durable.ts) has about SYNC_EVERY bytes left, not the whole file.
 * flush() waits for a running fdatasync. A failed fdatasync fails the download, like a failed write.
 */
import type { FileHandle } from 'node:fs/promises';

const BATCH_BYTES = 1024 * 1024;
const MAX_PENDING = 8 * 1024 * 1024;
export const SYNC_EVERY = 32 * 1024 * 1024;

export class FileWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private inFlight: Promise<void> | null = null;
  private failure: unknown = null;
  private unsynced = 0;
  private syncing: Promise<void> | null = null;

  constructor(private readonly fh: FileHandle) {}

  /** Queue `chunk` (kept by reference: the caller must not reuse it). */
  async push(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= BATCH_BYTES && this.inFlight === null) this.startWrite();
    if (this.pendingBytes >= MAX_PENDING) await this.drainInFlight();
  }

  /** Write everything queued; resolves when it is all on its way to disk and no flush is running (the caller syncs). */
  async flush(): Promise<void> {
    await this.drainInFlight();
    if (this.pendingBytes > 0) {
      this.startWrite();
      await this.drainInFlight();
    }
    await this.syncing;
    this.throwIfFailed();
  }

  /** `n` more bytes were written: past SYNC_EVERY unsynced bytes, start an fdatasync unless one is running. */
  private wrote(n: number): void {
    this.unsynced += n;
    if (this.unsynced < SYNC_EVERY || this.syncing !== null) return;
    this.unsynced = 0;
    this.syncing = this.fh.datasync().then(
      () => {
        this.syncing = null;
      },
      (e: unknown) => {
        this.failure ??= e;
        this.syncing = null;
      },
    );
  }

  private startWrite(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.inFlight = this.writeAll(batch).then(
      () => {
        this.inFlight = null;
        if (this.pendingBytes >= BATCH_BYTES) this.startWrite();
      },
      (e: unknown) => {
        this.failure ??= e;
        this.inFlight = null;
      },
    );
  }

  private async writeAll(batch: Uint8Array[]): Promise<void> {
    let buffers = batch;
    while (buffers.length > 0) {
      const { bytesWritten } = await this.fh.writev(buffers);
      this.wrote(bytesWritten);
      // Short write: drop what was written, keep the rest.
      let left = bytesWritten;
      const rest: Uint8Array[] = [];
      for (const b of buffers) {
        if (left >= b.byteLength) left -= b.byteLength;
        else {
          rest.push(left > 0 ? b.subarray(left) : b);
          left = 0;
        }
      }
      buffers = rest;
    }
  }

  private async drainInFlight(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
