/** The transport's public shapes (no runtime code). */
import type { PendingSync } from '../fs/durable.js';

export interface FetchOptions {
  /** Hard cap on the body size: checked against Content-Length up front and counted as bytes arrive. */
  maxBytes: number;
  /**
   * Connect and idle timeout in ms. Also: once the body is flowing, every window of this length must bring at
   * least 1 KiB per second on average, or the transfer is cut off (a trickling body) → TIMEOUT.
   */
  timeoutMs: number;
  /**
   * The caller's origin policy. Called with the first URL (hop 0) and every redirect target (hop 1, 2, …) before
   * anything connects to it; throw a VerifyError to refuse (e.g. REDIRECT_OFF_ORIGIN).
   */
  checkUrl: (url: URL, hop: number) => void;
  /** Abort from outside (e.g. Ctrl-C): rejects with signal.reason if it is a VerifyError, else INTERRUPTED. */
  signal?: AbortSignal;
}

export interface FetchResult {
  /** The URL the body finally came from. */
  finalUrl: string;
  /** Every Location followed, resolved to absolute URLs, in order. */
  redirects: string[];
}

export interface DownloadOptions extends FetchOptions {
  /** Directory for the temporary file: put it beside the final output so the rename is atomic. */
  destDir: string;
  /** Every byte, in order, exactly once, as it arrives (hash/verify in this same pass). A throw aborts the download. */
  onChunk: (chunk: Uint8Array) => void;
  /** After each chunk: bytes so far and the announced total (null without Content-Length). */
  onProgress?: (received: number, total: number | null) => void;
}

export interface Fetcher {
  /** A small body (a signature) in memory. */
  fetchBytes(url: string, opts: FetchOptions): Promise<FetchResult & { bytes: Uint8Array }>;
  /**
   * Stream a body into a new temp file in `destDir` (mode 0600, tracked by fs/temp-files.ts so Ctrl-C removes it).
   * On success the file is complete and still tracked, and its fsync has started (`durable`, fs/durable.ts):
   * `await durable.finish(mode)`, rename it into place and call `release(tempPath)`; or `durable.abandon()` and
   * `discard(tempPath)`. On ANY error it has already been removed (and its handle closed) before the promise rejects.
   */
  download(
    url: string,
    opts: DownloadOptions,
  ): Promise<FetchResult & { tempPath: string; size: number; durable: PendingSync }>;
  /** Close the connections it keeps for reuse (createFetcher's own; a dispatcher passed in is left alone). */
  close?(): Promise<void>;
}
