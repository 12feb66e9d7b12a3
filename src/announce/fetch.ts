/**
 * GET https://electrum.org/version through the project's fetcher: official hosts only (the first URL and every
 * redirect judged by the origin policy before anything connects), at most 64 KiB, the usual connect/idle/trickle
 * timeouts. Loaded lazily: `latest --announcement FILE` never loads the policy or the network stack.
 */
import type { Fetcher } from '../net/index.js';
import { judgeSource } from '../policy/origin.js';
import { assertAllowed } from '../source-policy.js';
import { ANNOUNCEMENT_URL } from './fetch-url.js';
import { MAX_ANNOUNCEMENT_BYTES } from './parse.js';

export const DEFAULT_ANNOUNCEMENT_TIMEOUT_MS = 30_000;
const NO_MIRRORS: ReadonlySet<string> = new Set();

export async function fetchAnnouncement(o: {
  fetcher?: Fetcher;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with a URL the policy refused (a redirect target) and its verdict, before the refusal is thrown. */
  onRefused?: (url: string, verdict: string) => void;
}): Promise<{ bytes: Uint8Array; finalUrl: string; redirects: string[] }> {
  const check = (href: string, hop: number): void => {
    const judged = judgeSource(href, NO_MIRRORS);
    if (judged.verdict !== 'official') o.onRefused?.(href, judged.verdict);
    assertAllowed(judged, hop);
  };
  check(ANNOUNCEMENT_URL, 0);
  const own = o.fetcher === undefined ? (await import('../net/index.js')).createFetcher() : null;
  const fetcher = o.fetcher ?? (own as Fetcher);
  try {
    const r = await fetcher.fetchBytes(ANNOUNCEMENT_URL, {
      maxBytes: MAX_ANNOUNCEMENT_BYTES,
      timeoutMs: o.timeoutMs ?? DEFAULT_ANNOUNCEMENT_TIMEOUT_MS,
      checkUrl: (url, hop) => check(url.href, hop),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return { bytes: r.bytes, finalUrl: r.finalUrl, redirects: r.redirects };
  } finally {
    await own?.close?.().catch(() => undefined);
  }
}
