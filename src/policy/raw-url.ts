/**
 * The URL as typed, before any parser repairs it. The WHATWG parser (Node, browsers) silently removes tabs and
 * newlines, reads "\" as "/", percent-decodes and case-folds the host and fixes missing slashes; other parsers
 * (RFC 3986, Python) read the same string differently (`https://electrum.org\@evil.example/`). Anything that
 * needed repair is a trick, never an official link.
 */
import { isOfficialHost } from './official.js';
import { asciiLower, codePointLabel } from './unicode.js';

/** The scheme as the WHATWG parser reads it (outer C0/space trimmed, tab/newline removed), lower-case; null if none. */
export function rawScheme(raw: string): string | null {
  const cleaned = raw.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '').replace(/[\t\n\r]/g, '');
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase() ?? null;
}

export interface RawAuthority {
  userinfo: string | null;
  /** The host exactly as written (may hold Unicode, upper case, a trailing dot, brackets for IPv6). */
  host: string;
  /** The text after the host's ':' ('' for a bare ':'), null when no port was written. */
  port: string | null;
}

/** The authority of `scheme://authority/…` split as RFC 3986 does; null unless exactly two slashes follow the scheme. */
export function rawAuthority(raw: string): RawAuthority | null {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?!\/)([^/?#]*)/.exec(raw);
  if (m === null) return null;
  const authority = m[1] ?? '';
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? null : authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  const close = hostPort.startsWith('[') ? hostPort.indexOf(']') + 1 : 0;
  const colon = hostPort.indexOf(':', close);
  return colon === -1
    ? { userinfo, host: hostPort, port: null }
    : { userinfo, host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

const CONTROL_NAMES: Record<string, string> = {
  '\t': 'tab',
  '\n': 'line break',
  '\r': 'carriage return',
  ' ': 'space',
};

export function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function isIpLiteral(parsedHost: string): boolean {
  return parsedHost.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(parsedHost);
}

/**
 * Why an https URL's raw text is a trick, or null: invisible/control characters, backslashes, missing or extra
 * slashes, userinfo, a percent-encoded host, or a host the parser rewrote. `url` is the WHATWG parse of `raw`.
 */
export function urlTrickReason(raw: string, auth: RawAuthority | null, url: URL): string | null {
  const control = /[\x00-\x20\x7f]/.exec(raw)?.[0];
  if (control !== undefined) {
    return `contains a ${CONTROL_NAMES[control] ?? `control character ${codePointLabel(control)}`}, which browsers silently remove: the address is disguised`;
  }
  if (raw.includes('\\'))
    return 'contains a backslash, which browsers read as "/" and other programs do not, so the real host is ambiguous';
  if (auth === null)
    return 'malformed: "https:" must be followed by exactly "//" and the host (browsers repair this, other programs do not)';
  if (auth.userinfo !== null) {
    const empty = /^:?$/.test(auth.userinfo);
    const host = stripTrailingDot(url.hostname);
    // Leading to an official host does not make it an official link: someone altered it, and the reason must not
    // read as an all-clear.
    if (isOfficialHost(host)) {
      const what = empty ? 'contains an "@" with nothing before it' : 'the text before "@" is a user name';
      return `${what}; official links never contain "@", so this link was altered: it leads to ${host}, but type https://${host}/ yourself rather than use it`;
    }
    return empty
      ? `contains an "@" with nothing before it, a way to disguise links: this link goes to ${url.hostname}`
      : `the text before "@" is a user name, not the site: this link goes to ${url.hostname}`;
  }
  if (/^\.|\.\./.test(url.hostname)) return `the host "${url.hostname}" has an empty name between dots`;
  if (auth.host.includes('%'))
    return `the host is percent-encoded ("${auth.host}" decodes to "${url.hostname}"), which hides where the link goes`;
  if (
    /^[\x21-\x7e]*$/.test(auth.host) &&
    !isIpLiteral(url.hostname) &&
    stripTrailingDot(asciiLower(auth.host)) !== stripTrailingDot(url.hostname)
  ) {
    return `the URL parser rewrites the host "${auth.host}" to "${url.hostname}", so different programs disagree on where it goes`;
  }
  return null;
}
