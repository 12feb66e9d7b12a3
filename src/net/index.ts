/** The network layer: an https-only, bounded, redirect-checking Fetcher. No OpenPGP here. */
export { createFetcher, type CreateFetcherOptions } from './fetcher.js';
export { HttpStatusError } from './errors.js';
export { MAX_REDIRECTS } from './redirects.js';
export { MIN_BYTES_PER_SECOND } from './watchdog.js';
export type { DownloadOptions, FetchOptions, FetchResult, Fetcher } from './types.js';
