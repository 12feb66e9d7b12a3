/**
 * Open a response body: GET with redirects followed by hand. Every hop is resolved against the previous URL,
 * passed through the caller's checkUrl and the https rule before anything connects to it; loops and more than
 * MAX_REDIRECTS hops fail. Only a 200 is returned; anything else is an HttpStatusError.
 */
import type { Dispatcher } from 'undici';
import { VerifyError } from '../errors.js';
import { HttpStatusError, tooLargeError } from './errors.js';
import { MAX_REDIRECTS, isRedirect, requireHttps, resolveLocation } from './redirects.js';
import type { TransferControl } from './transfer-control.js';
import type { FetchOptions } from './types.js';

export type ResponseBody = Dispatcher.ResponseData['body'];

export interface OpenedResponse {
  finalUrl: string;
  redirects: string[];
  /** Declared Content-Length, or null (chunked). */
  contentLength: number | null;
  body: ResponseBody;
}

const REQUEST_HEADERS: Readonly<Record<string, string>> = {
  accept: '*/*',
  // The bytes on the wire are the bytes that were signed: never let a content coding change them.
  'accept-encoding': 'identity',
  'user-agent': 'electrum-verify',
};

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new VerifyError(
      'SOURCE_INVALID',
      `"${url.slice(0, 100)}" is not a valid URL. Copy the link again from https://electrum.org/#download.`,
    );
  }
}

function contentLengthOf(headers: Dispatcher.ResponseData['headers'], url: string): number | null {
  const raw = headers['content-length'];
  if (raw === undefined) return null;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (
    value === undefined ||
    !/^\d{1,16}$/.test(value.trim()) ||
    (Array.isArray(raw) && raw.some((v) => v !== raw[0]))
  ) {
    throw new VerifyError('NETWORK', `${new URL(url).host} sent an invalid Content-Length. Try again later.`);
  }
  return Number(value.trim());
}

function discardBody(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

export async function openResponse(
  dispatcher: Dispatcher,
  url: string,
  opts: FetchOptions,
  transfer: TransferControl,
): Promise<OpenedResponse> {
  let current = parseUrl(url);
  current.hash = '';
  opts.checkUrl(new URL(current.href), 0);
  requireHttps(current, 0);
  const visited = new Set([current.href]);
  const redirects: string[] = [];

  for (;;) {
    transfer.throwIfFailed();
    transfer.currentUrl = current.href;
    transfer.watchdog.awaitResponse();
    const res = await dispatcher.request({
      origin: current.origin,
      path: `${current.pathname}${current.search}`,
      method: 'GET',
      // A fresh object per request: undici's ProxyAgent adds `host` to the object it is given, and a shared
      // object would then send the first host's name to every later host (e.g. after a cross-host redirect).
      headers: { ...REQUEST_HEADERS },
      signal: transfer.controller.signal,
    });
    transfer.throwIfFailed();

    if (isRedirect(res.statusCode)) {
      discardBody(res.body);
      const next = resolveLocation(res.headers.location, current);
      const hop = redirects.length + 1;
      opts.checkUrl(new URL(next.href), hop);
      requireHttps(next, hop);
      if (visited.has(next.href)) {
        throw new VerifyError(
          'NETWORK',
          `Redirect loop: ${current.host} redirected back to ${next.href}. Try again later, or report it to the site.`,
        );
      }
      if (hop > MAX_REDIRECTS) {
        throw new VerifyError(
          'NETWORK',
          `More than ${MAX_REDIRECTS} redirects (last to ${next.href}); stopped. Check the link.`,
        );
      }
      redirects.push(next.href);
      visited.add(next.href);
      current = next;
      continue;
    }
    if (res.statusCode !== 200) {
      discardBody(res.body);
      throw new HttpStatusError(res.statusCode, current.href);
    }
    let contentLength: number | null;
    try {
      contentLength = contentLengthOf(res.headers, current.href);
      if (contentLength !== null && contentLength > opts.maxBytes) {
        throw tooLargeError(current.href, opts.maxBytes, contentLength);
      }
    } catch (e) {
      discardBody(res.body);
      throw e;
    }
    transfer.watchdog.bodyStarted();
    return { finalUrl: current.href, redirects, contentLength, body: res.body };
  }
}
