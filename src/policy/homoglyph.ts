/**
 * Homoglyph / IDN lookalikes: a host that reads as an official name but is spelled with other characters
 * (Cyrillic "е", capital "I" for "l", "rn" for "m", full-width or invisible characters), judged on the host
 * as it was written — case kept and punycode decoded — because lower-casing destroys the evidence ("eIectrum").
 */
import { domainToUnicode } from 'node:url';
import { confusableSubstitutions, prototypeOf, skeleton } from './confusables.js';
import { editDistance } from './edit-distance.js';
import { BRAND, OFFICIAL_DOMAIN, OFFICIAL_HOSTS, ONLY_SOURCE } from './official.js';
import { describeChar, describeText, scriptOf } from './unicode.js';

/** Scripts whose letters pass for Latin ones. */
const LOOKALIKE_SCRIPTS = new Set([
  'Cyrillic',
  'Greek',
  'Armenian',
  'Cherokee',
  'Coptic',
  'Lisu',
  'Canadian Aboriginal',
]);

const OFFICIAL_SKELETONS = new Map(OFFICIAL_HOSTS.map((h) => [h, skeleton(h)]));
const BRAND_SKELETON = skeleton(BRAND);

/** The host as a person would see it: punycode labels decoded, case and any Unicode kept, one trailing dot dropped. */
export function displayHost(rawHost: string): string {
  const labels = rawHost.replace(/\.$/, '').split('.');
  return labels
    .map((label) => (/^xn--/i.test(label) ? domainToUnicode(label.toLowerCase()) || label : label))
    .join('.');
}

function formatSubstitutions(subs: ReadonlyArray<{ from: string; to: string }>): string {
  const parts = subs.map(({ from, to }) =>
    to === '' ? `${describeText(from)} hidden in the name` : `${describeText(from)} in place of "${to}"`,
  );
  return [...new Set(parts)].join(', ');
}

/** Split on anything whose skeleton is a dot or a hyphen (so "。" and "‐" separate too). */
function tokens(s: string, separators: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of s) {
    const proto = prototypeOf(ch);
    if (proto !== '' && separators.includes(proto)) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.filter((t) => t !== '');
}

function mixedScripts(label: string): string[] | null {
  const scripts = new Set<string>();
  for (const ch of label) {
    const script = scriptOf(ch);
    if (script !== null) scripts.add(script);
  }
  const foreign = [...scripts].filter((s) => LOOKALIKE_SCRIPTS.has(s));
  return scripts.has('Latin') && foreign.length > 0 ? ['Latin', ...foreign] : null;
}

/**
 * Why `display` (see displayHost) is a homoglyph lookalike, or null. `rawHost` is the host as written,
 * used to show the decoded form of a punycode host.
 */
export function homoglyphReason(display: string, rawHost: string): string | null {
  const decoded = /(^|\.)xn--/i.test(rawHost)
    ? ` (${rawHost.toLowerCase().replace(/\.$/, '')} is the encoded form of "${display}")`
    : '';

  const skel = skeleton(display);
  for (const official of OFFICIAL_HOSTS) {
    const subs = skel === OFFICIAL_SKELETONS.get(official) ? confusableSubstitutions(display, official) : null;
    if (subs !== null && subs.length > 0) return `lookalike of ${official}: ${formatSubstitutions(subs)}${decoded}`;
  }
  for (const token of tokens(display, '.-')) {
    const subs = skeleton(token) === BRAND_SKELETON ? confusableSubstitutions(token, BRAND) : null;
    if (subs !== null && subs.length > 0)
      return `lookalike of ${OFFICIAL_DOMAIN}: ${formatSubstitutions(subs)} in "${display}"${decoded}`;
  }
  if (/^[\x00-\x7f]*$/.test(display)) return null;

  for (const label of tokens(display, '.')) {
    const scripts = mixedScripts(label);
    if (scripts !== null) {
      return `mixes ${scripts.join(' and ')} letters in "${label}", a common disguise; ${ONLY_SOURCE}${decoded}`;
    }
  }
  for (const token of tokens(display, '.-')) {
    const tokenSkel = skeleton(token);
    if (tokenSkel.includes(BRAND_SKELETON) || editDistance(tokenSkel, BRAND_SKELETON) <= 2) {
      const odd = [...new Set(Array.from(token).filter((ch) => ch > '\x7f'))].map(describeChar).join(', ');
      // A plain-ASCII token ("electrum" in "electrum.org\u200b.evil.com") imitates nothing: the Unicode is elsewhere.
      if (odd !== '') return `lookalike of ${OFFICIAL_DOMAIN}: "${token}" imitates "${BRAND}" using ${odd}${decoded}`;
    }
  }
  return null;
}
