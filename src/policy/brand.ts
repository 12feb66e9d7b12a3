/**
 * Where the brand appears in a host that is not official: embedded in a foreign domain, under another public
 * suffix, combined with other words, or as an unlisted name under electrum.org. Hosts are lower-case ASCII
 * (punycode) without a trailing dot; `Domain` parts come from tldts (public suffix list, ICANN section).
 */
import { editDistance } from './edit-distance.js';
import { BRAND, OFFICIAL_DOMAIN, OFFICIAL_HOSTS, OFFICIAL_SUFFIX } from './official.js';

export interface Domain {
  host: string;
  /** eTLD+1, e.g. evil.com; null when the host has no registrable domain. */
  domain: string | null;
  /** The registrable label, e.g. evil. */
  label: string | null;
  suffix: string | null;
  /** Labels in front of the registrable domain, '' if none. */
  subdomain: string;
}

/** "electrumorg" → electrum.org, "downloadelectrum" → download.electrum.org, …: official names with the dots removed. */
const JOINED = new Map<string, string>();
for (const official of OFFICIAL_HOSTS) {
  const parts = official.split('.');
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 2; j <= parts.length; j++) {
      const span = parts.slice(i, j);
      if (span.includes(BRAND) && !JOINED.has(span.join(''))) JOINED.set(span.join(''), official);
    }
  }
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++)
    if (needle.every((n, k) => haystack[i + k] === n)) return true;
  return false;
}

/** The official name embedded in a host whose registrable domain is someone else's, or null. */
export function embeddingReason(d: Domain): string | null {
  if (d.label === BRAND) return null;
  const owner = d.domain ?? d.host;
  const tokens = d.host.split(/[.-]/);
  const byLength = [...OFFICIAL_HOSTS].sort((a, b) => b.length - a.length);
  const embedded =
    byLength.find((official) => containsRun(tokens, official.split('.'))) ??
    tokens.map((t) => JOINED.get(t)).find((o) => o !== undefined);
  if (embedded !== undefined) {
    const where =
      owner === d.host
        ? 'is a different domain that spells out the official name'
        : `contains the official name, but the site belongs to ${owner}`;
    return `lookalike of ${embedded}: "${d.host}" ${where}`;
  }
  if (d.subdomain.split(/[.-]/).includes(BRAND))
    return `lookalike of ${OFFICIAL_DOMAIN}: "${BRAND}" is only a subdomain here; the site belongs to ${owner}`;
  return null;
}

export function tldSwapReason(d: Domain): string | null {
  if (d.label !== BRAND || d.suffix === OFFICIAL_SUFFIX || d.suffix === null) return null;
  return `lookalike of ${OFFICIAL_DOMAIN}: the same name under ".${d.suffix}" instead of ".${OFFICIAL_SUFFIX}" (${d.domain ?? d.host} is not Electrum's)`;
}

export function combosquatReason(d: Domain): string | null {
  if (d.label === null || d.label === BRAND) return null;
  const nearBrand = (part: string): boolean =>
    Math.abs(part.length - BRAND.length) <= 1 && editDistance(part, BRAND) === 1;
  const hasBrand = d.label.includes(BRAND) || d.label.split('-').some(nearBrand);
  if (!hasBrand) return null;
  return `lookalike of ${OFFICIAL_DOMAIN}: "${d.domain ?? d.host}" adds words to the name "${BRAND}"; it is a different domain, not Electrum's`;
}

/** A host under electrum.org that is not one of the three official hosts. */
export function unlistedSubdomainReason(d: Domain): string | null {
  if (d.domain !== OFFICIAL_DOMAIN) return null;
  const imitated = OFFICIAL_HOSTS.find((o) => {
    const name = o.slice(0, -OFFICIAL_DOMAIN.length - 1);
    return name !== '' && editDistance(d.subdomain, name) <= (name.length >= 5 ? 2 : 1);
  });
  const hint = imitated === undefined ? '' : ` (it resembles ${imitated})`;
  return `${d.host} is under electrum.org but is not one of its download hosts${hint}; releases come only from ${OFFICIAL_HOSTS.join(', ')}`;
}
