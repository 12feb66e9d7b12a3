/** Redirect handling rules, kept pure so they can be tested without a network. */
import { VerifyError } from '../errors.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** The next hop: `location` resolved against the current URL, fragment dropped. Throws NETWORK if unusable. */
export function resolveLocation(location: string | string[] | undefined, current: URL): URL {
  const value = Array.isArray(location) ? (location.length === 1 ? location[0] : undefined) : location;
  if (value === undefined || value.trim() === '') {
    throw new VerifyError(
      'NETWORK',
      `${current.host} sent a redirect without a usable Location. Check the link, or try again later.`,
    );
  }
  let next: URL;
  try {
    next = new URL(value.trim(), current);
  } catch {
    throw new VerifyError(
      'NETWORK',
      `${current.host} sent a redirect to an invalid address. Check the link, or try again later.`,
    );
  }
  next.hash = '';
  return next;
}

/** https only: the first URL must be https (SOURCE_INSECURE); a hop away from https leaves the origin. */
export function requireHttps(url: URL, hop: number): void {
  if (url.protocol === 'https:') return;
  if (hop === 0) {
    throw new VerifyError(
      'SOURCE_INSECURE',
      `${url.protocol.replace(':', '')} links are not accepted, only https. Use the https:// link from https://electrum.org/#download.`,
    );
  }
  throw new VerifyError(
    'REDIRECT_OFF_ORIGIN',
    `The server redirected to a non-https address (${url.protocol}//${url.host}); refused. Download from https://electrum.org/#download.`,
  );
}
