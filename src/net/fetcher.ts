/**
 * The Fetcher (in the style of tuf-js's Fetcher): bounded GETs over https through undici, redirects checked
 * hop by hop, bodies either collected in memory (signatures) or streamed once into a tracked temp file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { VerifyError } from '../errors.js';
import { startSync, type PendingSync } from '../fs/durable.js';
import { partFileName, sweepStaleParts } from '../fs/stale-parts.js';
import { discard, track } from '../fs/temp-files.js';
import { createDefaultDispatcher } from './dispatcher.js';
import { tooLargeError, truncatedError } from './errors.js';
import { FileWriter } from './file-writer.js';
import { TransferControl } from './transfer-control.js';
import { openResponse, type OpenedResponse } from './open-response.js';
import type { FetchOptions, FetchResult, Fetcher } from './types.js';

export interface CreateFetcherOptions {
  /**
   * Use this dispatcher instead of the fetcher's own EnvHttpProxyAgent (tests, or a caller that manages its own).
   * It is not closed by the fetcher.
   */
  dispatcher?: Dispatcher;
}

function validate(opts: FetchOptions): void {
  if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) {
    throw new VerifyError('USAGE', `Invalid size limit ${String(opts.maxBytes)}: use a whole number of bytes.`);
  }
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
    throw new VerifyError('USAGE', `Invalid timeout ${String(opts.timeoutMs)}: use a positive number of seconds.`);
  }
  if (typeof opts.checkUrl !== 'function') {
    throw new VerifyError('USAGE', 'No URL policy given (internal error).');
  }
}

/** Marks an exception thrown by the caller's callback, so it is re-thrown untouched (not classified). */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

function callback(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    throw new CallbackFailure(e);
  }
}

/** Iterate a body, counting bytes against the limit and feeding the watchdog; checks the end against Content-Length. */
async function* counted(r: OpenedResponse, maxBytes: number, t: TransferControl): AsyncGenerator<Uint8Array> {
  let received = 0;
  for await (const chunk of r.body as AsyncIterable<Buffer>) {
    t.throwIfFailed();
    received += chunk.length;
    t.watchdog.progress(chunk.length);
    if (received > maxBytes) throw tooLargeError(r.finalUrl, maxBytes, null);
    yield chunk;
  }
  t.throwIfFailed();
  if (r.contentLength !== null && received !== r.contentLength) {
    throw truncatedError(r.finalUrl, received, r.contentLength);
  }
}

function ioError(path: string, e: unknown): VerifyError {
  const msg = e instanceof Error ? e.message : String(e);
  return new VerifyError(
    'IO_ERROR',
    `Could not write the temporary file ${path}: ${msg}. Check free space and permissions.`,
    { cause: e },
  );
}

/**
 * One EnvHttpProxyAgent per fetcher (per timeout), kept for all its calls: the file request reuses the connection
 * the .asc came over (keep-alive), instead of a second proxy CONNECT and TLS handshake, each a network round trip
 * or two. close() ends them (undici's idle sockets do not hold the process open, but a library caller's would
 * linger until the server's keep-alive timeout).
 */
export function createFetcher(options: CreateFetcherOptions = {}): Fetcher {
  const own = new Map<number, Promise<Dispatcher>>();
  async function withDispatcher<T>(timeoutMs: number, fn: (d: Dispatcher) => Promise<T>): Promise<T> {
    if (options.dispatcher !== undefined) return fn(options.dispatcher);
    let d = own.get(timeoutMs);
    if (d === undefined) {
      d = createDefaultDispatcher(timeoutMs);
      own.set(timeoutMs, d);
      d.catch(() => own.delete(timeoutMs)); // a failed creation (e.g. a malformed HTTPS_PROXY) is not kept
    }
    // One event-loop turn first: undici marks the previous call's connection idle only after the body's end has
    // been delivered, and a request dispatched before that would open a second connection.
    await new Promise((resolve) => setImmediate(resolve));
    return fn(await d);
  }

  return {
    async close() {
      const all = [...own.values()];
      own.clear();
      await Promise.all(all.map((d) => d.then((x) => x.destroy()).catch(() => undefined)));
    },
    async fetchBytes(url, opts) {
      validate(opts);
      const t = new TransferControl(url, opts);
      try {
        return await withDispatcher(opts.timeoutMs, async (d) => {
          const r = await openResponse(d, url, opts, t);
          const chunks: Uint8Array[] = [];
          for await (const chunk of counted(r, opts.maxBytes, t)) chunks.push(chunk);
          const bytes = new Uint8Array(Buffer.concat(chunks));
          return { finalUrl: r.finalUrl, redirects: r.redirects, bytes };
        });
      } catch (e) {
        throw t.explain(e);
      } finally {
        t.end();
      }
    },

    async download(url, opts) {
      validate(opts);
      const t = new TransferControl(url, opts);
      let fh: FileHandle | undefined;
      let tempPath: string | undefined;
      // Partial downloads a killed run left in this folder (fs/stale-parts.ts): swept while the connection is made.
      const sweep = sweepStaleParts(opts.destDir);
      try {
        return await withDispatcher(
          opts.timeoutMs,
          async (d): Promise<FetchResult & { tempPath: string; size: number; durable: PendingSync }> => {
            const r = await openResponse(d, url, opts, t);
            await sweep;
            const path = join(opts.destDir, partFileName());
            try {
              fh = await open(path, 'wx', 0o600);
            } catch (e) {
              r.body.on('error', () => undefined).destroy();
              throw ioError(path, e);
            }
            tempPath = path;
            track(path);
            let size = 0;
            const writer = new FileWriter(fh);
            for await (const chunk of counted(r, opts.maxBytes, t)) {
              size += chunk.length;
              callback(() => opts.onChunk(chunk));
              await writer.push(chunk).catch((e: unknown) => {
                throw ioError(path, e);
              });
              if (opts.onProgress !== undefined) {
                const onProgress = opts.onProgress;
                callback(() => onProgress(size, r.contentLength));
              }
            }
            await writer.flush().catch((e: unknown) => {
              throw ioError(path, e);
            });
            const durable = startSync(fh); // the handle is the sync's now
            fh = undefined;
            return { finalUrl: r.finalUrl, redirects: r.redirects, tempPath: path, size, durable };
          },
        );
      } catch (e) {
        await sweep; // never rejects
        if (fh !== undefined) await fh.close().catch(() => undefined);
        if (tempPath !== undefined) await discard(tempPath);
        if (e instanceof CallbackFailure) throw e.error;
        throw t.explain(e);
      } finally {
        t.end();
      }
    },
  };
}
